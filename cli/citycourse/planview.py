"""Text views of a plan (YAML and Markdown) shared by the CLI and the site."""

from __future__ import annotations

from citycourse.tailor import Plan


def plan_yaml(plan: Plan) -> str:
    import yaml

    return yaml.safe_dump(plan.to_dict(), sort_keys=False, allow_unicode=True, width=100)


def plan_markdown(plan: Plan, *, explain: bool = False) -> str:
    city = plan.city
    out = [
        f"# {plan.curriculum.title}: {city.name}",
        "",
        f"{city.name} ({city.country}) · digital maturity {city.digital_maturity} · connectivity "
        f"{city.connectivity} · {city.hours_budget:g} h per person",
        "",
    ]
    for role_plan in plan.roles:
        out += [
            f"## {role_plan.role} ({role_plan.headcount} staff, {role_plan.hours:g} of {role_plan.budget:g} h)",
            "",
            "| # | module | level | hours | why |",
            "|---|---|---|---|---|",
        ]
        for i, p in enumerate(role_plan.modules, 1):
            out.append(f"| {i} | {p.module.title} (`{p.id}`) | {p.module.level} | {p.module.hours:g} | {p.reason} |")
        out.append("")
        if explain:
            out += ["| module | kept | why |", "|---|---|---|"]
            out += [f"| `{d.module_id}` | {'yes' if d.kept else 'no'} | {d.reason} |" for d in role_plan.decisions]
            out.append("")
        for warning in role_plan.warnings:
            out.append(f"> **Warning:** {warning}")
            out.append("")
    for role, reason in plan.dropped_roles.items():
        out.append(f"- *{role}*: {reason}")
    return "\n".join(out).rstrip() + "\n"
