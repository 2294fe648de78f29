"""Certificates: for each learner who completed a track (and, on request, each completed module)
a printable page in the city's language and a signed Open Badges 3.0 credential.

Issuing is idempotent: a learner's unrevoked credential for the same track (or
module) keeps its id, dates, salt and revocation-list bit, so issuing again
rewrites the same files (Ed25519 signatures are deterministic) unless the
content changed. Learners are streamed from the store (`ProgressStream`); the
credentials issued are recorded in one transaction after the stream ends
(`credentials` holds what revocation needs, `credential_holders` the link to
the person that `records forget` erases).

Files per certificate, in the output folder (keep it private: the pages name
people): `<learner>.html` (the page, with a QR code), `<learner>.jwt` (the
credential, OB 3.0 §5.1) and `<learner>.json` (its payload, for reading only:
it verifies nothing on its own). Module certificates add `--<module>`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select, update

from citycourse.credentials import (
    Award,
    ModuleLine,
    build_credential,
    new_credential_id,
    new_salt,
    sign,
    verification_code,
)
from citycourse.errors import UsageError
from citycourse.fsutil import atomic_write_text
from citycourse.keys import Issuer
from citycourse.store.schema import credential_holders, credentials, now, records

if TYPE_CHECKING:
    from citycourse.render.i18n import Strings
    from citycourse.report import LearnerProgress
    from citycourse.store import Store
    from citycourse.tailor import Plan


@dataclass(frozen=True)
class IssueOptions:
    out: Path
    per_module: bool = False
    valid_years: int | None = None  # None: the credential does not expire
    verify_url: str | None = None  # the city site's verify.html, for the QR code
    now: dt.datetime | None = None  # for tests: the issue time


@dataclass(frozen=True)
class Issued:
    credential_id: str
    code: str
    scope: str
    page: Path
    jwt: Path
    json: Path


@dataclass
class _Wanted:
    learner: LearnerProgress
    scope: str
    key: str
    modules: list[str]


def _stem(email: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", email.lower()).strip("-")


def _title(module: Any, lang: str) -> str:
    from citycourse.translations import localize

    return str(localize(module, lang).text("title", module.title))


def _existing(conn: Any, plan: Plan, email: str, scope: str, key: str) -> Any:
    """The learner's unrevoked credential for this achievement, if any."""
    query = (
        select(credentials, credential_holders.c.salt)
        .join(credential_holders, credential_holders.c.credential_id == credentials.c.id)
        .where(credential_holders.c.email == email, credentials.c.city == plan.city.id,
               credentials.c.curriculum == plan.curriculum.id, credentials.c.scope == scope,
               credentials.c.achievement == key, credentials.c.revoked_at.is_(None))
    )
    return conn.execute(query).first()


def _completed_on(conn: Any, email: str, module_ids: list[str]) -> dt.date | None:
    last = conn.execute(
        select(func.max(records.c.timestamp)).where(records.c.email == email, records.c.module_id.in_(module_ids),
                                                    records.c.voided.is_(False))
    ).scalar()
    if not last:
        return None
    try:
        return dt.datetime.fromisoformat(str(last).replace("Z", "+00:00")).date()
    except ValueError:
        return None


def issue_certificates(plan: Plan, store: Store, issuer: Issuer, t: Strings, options: IssueOptions) -> list[Issued]:
    """Issue (or re-issue) every certificate the city's progress earns; the files written."""
    from citycourse.report import ProgressStream

    if issuer.private_key is None:
        raise UsageError("signing needs the issuer's private key")
    wanted: list[_Wanted] = []
    for learner in ProgressStream(plan, store).iter_learners():  # one learner at a time from the store
        if not learner.track_complete:
            continue
        track = [m for m in plan.role(learner.role).module_ids if learner.status.get(m) == "complete"]
        wanted.append(_Wanted(learner, "track", learner.role, track))
        if options.per_module:
            wanted.extend(_Wanted(learner, "module", m, [m]) for m in track)
    issued_at = (options.now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    lang = plan.city.language
    awards: list[tuple[_Wanted, Award]] = []
    with store.engine.begin() as conn:  # every credential recorded, or none
        highest = conn.execute(select(func.max(credentials.c.status_index))).scalar()
        next_index = 0 if highest is None else highest + 1
        for item in wanted:
            email = item.learner.email
            old = _existing(conn, plan, email, item.scope, item.key)
            if old is not None:
                cid, salt, index = old.id, old.salt, old.status_index
                first = dt.datetime.fromisoformat(old.issued_at.replace("Z", "+00:00"))
                until = dt.datetime.fromisoformat(old.valid_until.replace("Z", "+00:00")) if old.valid_until else None
            else:
                cid, salt, index, first = new_credential_id(), new_salt(), next_index, issued_at
                next_index += 1
                until = (first.replace(year=first.year + options.valid_years) if options.valid_years else None)
                conn.execute(insert(credentials).values(
                    id=cid, code=verification_code(cid), status_index=index, city=plan.city.id,
                    curriculum=plan.curriculum.id, scope=item.scope, achievement=item.key, issued_at=_iso(first),
                    valid_until=_iso(until) if until else None))
                conn.execute(insert(credential_holders).values(credential_id=cid, email=email, salt=salt))
            awards.append((item, _award(plan, t, lang, item, cid, salt, index, first, until,
                                        _completed_on(conn, email, item.modules))))
    out = options.out
    written = []
    for item, award in awards:
        credential = build_credential(award, issuer)
        token = sign(credential, issuer)
        stem = _stem(item.learner.email) + (f"--{item.key}" if item.scope == "module" else "")
        page, jwt_path, json_path = out / f"{stem}.html", out / f"{stem}.jwt", out / f"{stem}.json"
        atomic_write_text(jwt_path, token + "\n")
        atomic_write_text(json_path, json.dumps(credential, indent=2, ensure_ascii=False) + "\n")
        atomic_write_text(page, certificate_page(award, item.learner.name or item.learner.email, plan, t, issuer,
                                                 jwt_path.name, options.verify_url))
        written.append(Issued(award.credential_id, award.code, item.scope, page, jwt_path, json_path))
    return written


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _award(plan: Plan, t: Strings, lang: str, item: _Wanted, cid: str, salt: str, index: int,
           issued: dt.datetime, until: dt.datetime | None, completed: dt.date | None) -> Award:
    modules = tuple(ModuleLine(m, _title(plan.modules[m], lang), plan.modules[m].hours) for m in item.modules)
    course = plan.curriculum.in_language(lang).title
    if item.scope == "track":
        name = t("certificate.track_name", role=t(f"roles.{item.key}"))
        description = t("certificate.completed_track", track=t(f"roles.{item.key}"), course=course, city=plan.city.name)
    else:
        name = modules[0].title
        description = t("certificate.completed_module", module=name, course=course, city=plan.city.name)
    return Award(
        credential_id=cid, email=item.learner.email, city_id=plan.city.id, city_name=plan.city.name,
        curriculum_id=plan.curriculum.id, curriculum_title=course, scope=item.scope,  # type: ignore[arg-type]
        achievement_key=item.key, achievement_name=name, description=description, modules=modules,
        issued_at=issued, valid_until=until, completed_on=completed, status_index=index, salt=salt, language=lang,
    )


def qr_svg(text: str) -> str:
    """An inline SVG QR code (segno: pure Python, no image libraries), error correction M."""
    import segno

    return str(segno.make(text, error="m", micro=False).svg_inline(scale=3, title=text))


def certificate_page(award: Award, name: str, plan: Plan, t: Strings, issuer: Issuer, jwt_name: str,
                     verify_url: str | None) -> str:
    """The printable page: self-contained (inline CSS and SVG), in the city's language, A4 landscape."""
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(Path(__file__).parent / "render" / "templates"),
                      autoescape=select_autoescape(["html", "j2"]), keep_trailing_newline=True)
    qr_text = f"{verify_url}#code={award.code}" if verify_url else f"{t('certificate.code')}: {award.code}"
    return env.get_template("certificate.html.j2").render(
        t=t, lang=plan.city.language, award=award, name=name, issuer=issuer,
        role=t(f"roles.{award.achievement_key}") if award.scope == "track" else "",
        hours=t.plural("track_hours", award.hours),
        module_hours=[(m.title, t.plural("track_hours", m.hours)) for m in award.modules],
        issued=t.date(award.issued_at.date()), until=t.date(award.valid_until.date()) if award.valid_until else None,
        completed=t.date(award.completed_on) if award.completed_on else None,
        qr=qr_svg(qr_text), verify_url=verify_url, jwt_name=jwt_name,
    )


# ------------------------------------------------------------------------------ revocation


def find_credential(store: Store, ident: str) -> Any:
    """A credential by urn:uuid, bare UUID or the printed verification code (XXXX-XXXX-XXXX)."""
    text = ident.strip()
    with store.engine.connect() as conn:
        if re.fullmatch(r"[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}", text):
            hexa = text.replace("-", "").upper()
            code = "-".join(hexa[i : i + 4] for i in range(0, 12, 4))
            rows = list(conn.execute(select(credentials).where(credentials.c.code == code)))
        else:
            cid = text if text.startswith("urn:uuid:") else f"urn:uuid:{text.lower()}"
            rows = list(conn.execute(select(credentials).where(credentials.c.id == cid)))
    if not rows:
        raise UsageError(f"no credential {ident!r} was issued from this store",
                         hint="give the id (urn:uuid:...) or the verification code printed on the certificate")
    if len(rows) > 1:
        raise UsageError(f"{ident!r} matches {len(rows)} credentials", hint="give the full id (urn:uuid:...)")
    return rows[0]


def revoke(store: Store, ident: str, reason: str) -> tuple[str, bool]:
    """Mark a credential revoked; (its id, False when it already was). Rebuild the sites to publish it."""
    if not reason.strip():
        raise UsageError("give a --reason: verifiers show it")
    row = find_credential(store, ident)
    if row.revoked_at is not None:
        return row.id, False
    with store.engine.begin() as conn:
        conn.execute(update(credentials).where(credentials.c.id == row.id)
                     .values(revoked_at=now(), revoke_reason=reason.strip()))
    return row.id, True


def revoked(store: Store) -> dict[int, str]:
    """Revocation-list bits: status index → reason."""
    with store.engine.connect() as conn:
        rows = conn.execute(select(credentials.c.status_index, credentials.c.revoke_reason)
                            .where(credentials.c.revoked_at.is_not(None)))
        return {r.status_index: r.revoke_reason or "" for r in rows}
