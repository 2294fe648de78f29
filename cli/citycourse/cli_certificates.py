"""`citycourse keys ...`, `citycourse certificates [verify|revoke]` and `citycourse records export|forget|prune`:
a thin Typer shell over keys.py, certificates.py, credentials.py and privacy.py."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from citycourse.clikit import ProjectOpt, console, err_console, guarded, open_project
from citycourse.cli_records import StoreOpt, _plan, _store_url, records_app

#: `certificates verify` exit codes (also in the README).
EXIT_VALID, EXIT_NOT_VALID, EXIT_UNCHECKED = 0, 1, 4

keys_app = typer.Typer(help="The issuer's signing key for certificates.", no_args_is_help=True)
certificates_app = typer.Typer(
    help="Issue, verify and revoke certificates (Open Badges 3.0 credentials signed with the issuer's key).",
    invoke_without_command=True,
)


class TextOrJson(str, Enum):
    text = "text"
    json = "json"


def _project_root(project_dir: Path | None) -> Path | None:
    try:
        return open_project(project_dir).root
    except Exception:  # noqa: BLE001 - $CITYCOURSE_KEYS works without a project
        return None


# ------------------------------------------------------------------------------ keys


@keys_app.command("init")
@guarded
def keys_init(
    name: Annotated[str, typer.Option("--name", help="The issuer's name as certificates show it, e.g. the programme.")],
    force: Annotated[bool, typer.Option("--force", help="Replace an existing key (old certificates stop verifying).")] = False,
    project_dir: ProjectOpt = None,
) -> None:
    """Create the issuer's Ed25519 key pair: private key owner-only (0600) and git-ignored; public key as a did:key."""
    from citycourse.keys import PRIVATE_FILE, init_keys, keys_dir

    folder = keys_dir(_project_root(project_dir))
    issuer = init_keys(folder, name, force=force)
    console.print(f"issuer: {issuer.name}\ndid: {issuer.did}", markup=False, emoji=False)
    err_console.print(f"private key: {folder / PRIVATE_FILE} (0600; keep a backup somewhere safe, never in a site)")


@keys_app.command("show")
@guarded
def keys_show(project_dir: ProjectOpt = None) -> None:
    """Print the issuer's name and did:key (the public half)."""
    from citycourse.errors import UsageError
    from citycourse.keys import keys_dir, public_issuer

    issuer = public_issuer(keys_dir(_project_root(project_dir)))
    if issuer is None:
        raise UsageError("no issuer key yet", hint="create one with `citycourse keys init --name \"...\"`")
    console.print(f"issuer: {issuer.name}\ndid: {issuer.did}", markup=False, emoji=False)


# ------------------------------------------------------------------------------ certificates


@certificates_app.callback()
@guarded
def certificates_issue(
    ctx: typer.Context,
    city: Annotated[Optional[str], typer.Option("--city", help="City id or path.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Folder for the pages and credentials (keep it private).")] = None,
    curriculum: Annotated[Optional[str], typer.Option("--curriculum", help="Curriculum id (default: the only one).")] = None,
    modules: Annotated[bool, typer.Option("--modules", help="Also one certificate per completed module.")] = False,
    valid_years: Annotated[Optional[int], typer.Option("--valid-years", min=1, help="Expire after N years (default: never).")] = None,
    verify_url: Annotated[Optional[str], typer.Option("--verify-url", help="The city site's verify.html URL, for the QR code.")] = None,
    store: StoreOpt = None,
    project_dir: ProjectOpt = None,
) -> None:
    """Issue certificates: `certificates --city CITY --out DIR` writes, per learner who completed a track,
    a printable page (<learner>.html), the signed credential (<learner>.jwt) and its readable JSON."""
    if ctx.invoked_subcommand is not None:
        return
    from citycourse.certificates import IssueOptions, issue_certificates
    from citycourse.errors import UsageError
    from citycourse.keys import keys_dir, load_issuer
    from citycourse.render.pages import city_strings
    from citycourse.store import open_store

    if city is None or out is None:
        raise UsageError("give --city and --out to issue certificates", hint="or: certificates verify FILE / revoke ID")
    plan, url = _plan(city, curriculum, store, project_dir)
    issuer = load_issuer(keys_dir(_project_root(project_dir)))
    options = IssueOptions(out=out, per_module=modules, valid_years=valid_years, verify_url=verify_url)
    with open_store(url, create=False) as opened:
        written = issue_certificates(plan, opened, issuer, city_strings(plan.city), options)
    tracks = sum(1 for w in written if w.scope == "track")
    console.print(f"wrote {tracks} certificate(s)" + (f" and {len(written) - tracks} module certificate(s)" if modules else "")
                  + f" to {out}")


def _trusted(issuers: list[str] | None, project_dir: Path | None) -> set[str]:
    from citycourse.errors import UsageError
    from citycourse.keys import keys_dir, public_issuer

    if issuers:
        return set(issuers)
    root = _project_root(project_dir)
    public = None
    try:
        public = public_issuer(keys_dir(root))
    except UsageError:
        pass
    if public is None:
        raise UsageError("which issuer do you trust?", hint="pass --issuer did:key:... (the site's credentials/issuer.json)")
    return {public.did}


def _status(status_list: Path | None, trusted: set[str], store: str | None, project_dir: Path | None) -> Any:
    """The revocation list: --status-list FILE (a site's credentials/status-list.jwt), else the project's store."""
    from citycourse.credentials import StatusList, status_list_id
    from citycourse.errors import UsageError

    if status_list is not None:
        from citycourse.credentials import _Invalid, verify_status_list

        try:
            return verify_status_list(status_list.read_text(encoding="utf-8"), trusted)
        except _Invalid as exc:
            raise UsageError(f"{status_list}: {exc.reason}") from None
    try:
        url, _ = _store_url(store, project_dir)
    except UsageError:
        return None
    from citycourse.store import open_store, sqlite_missing

    if sqlite_missing(url) or len(trusted) != 1:
        return None
    from citycourse.certificates import revoked

    with open_store(url, create=False) as opened:
        (did,) = trusted
        return StatusList(status_list_id(did), did, revoked(opened))


@certificates_app.command("verify")
@guarded
def certificates_verify(
    files: Annotated[list[Path], typer.Argument(help="Credential files (.jwt) to check.")],
    issuer: Annotated[Optional[list[str]], typer.Option("--issuer", help="Trusted issuer did:key (default: this project's).")] = None,
    status_list: Annotated[Optional[Path], typer.Option("--status-list", help="Revocation list file (a site's credentials/status-list.jwt); default: the project's store.")] = None,
    email: Annotated[Optional[str], typer.Option("--email", help="Also check the credential was issued to this email.")] = None,
    output: Annotated[TextOrJson, typer.Option("--format", "-f")] = TextOrJson.text,
    store: StoreOpt = None,
    project_dir: ProjectOpt = None,
) -> None:
    """Check signature, issuer, dates and revocation of each FILE.

    Exit 0 all valid · 1 any not valid (damaged, changed, untrusted issuer, expired, revoked) ·
    4 signatures valid but the revocation list unavailable · 2 usage · 3 unreadable file."""
    from rich.markup import escape

    from citycourse.credentials import identity_hash, verify_token

    trusted = _trusted(issuer, project_dir)
    status = _status(status_list, trusted, store, project_dir)
    verdicts = []
    for path in files:
        verdict = verify_token(path.read_text(encoding="utf-8", errors="replace"), trusted, status)
        entry = {"file": str(path), **verdict.to_dict()}
        if email and verdict.credential:
            ident = (verdict.credential.get("credentialSubject", {}).get("identifier") or [{}])[0]
            entry["email_matches"] = ident.get("identityHash") == identity_hash(email, str(ident.get("salt", "")))
        verdicts.append((verdict, entry))
    if output is TextOrJson.json:
        console.print_json(json.dumps([e for _, e in verdicts], ensure_ascii=False))
    else:
        for verdict, entry in verdicts:
            colour = "green" if verdict.ok else ("yellow" if verdict.status == "unchecked" else "red")
            console.print(f"[{colour}]{verdict.status.upper()}[/] {escape(entry['file'])}: {escape(verdict.reason)}")
            if "email_matches" in entry:
                console.print("    issued to that email" if entry["email_matches"] else "    [red]not issued to that email[/]")
    if any(not v.ok and v.status != "unchecked" for v, _ in verdicts) or any(e.get("email_matches") is False for _, e in verdicts):
        raise typer.Exit(EXIT_NOT_VALID)
    if any(v.status == "unchecked" for v, _ in verdicts):
        raise typer.Exit(EXIT_UNCHECKED)


@certificates_app.command("revoke")
@guarded
def certificates_revoke(
    ident: Annotated[str, typer.Argument(metavar="ID", help="Credential id (urn:uuid:...) or the printed verification code.")],
    reason: Annotated[str, typer.Option("--reason", help="Why; published in the revocation list (no personal data).")],
    store: StoreOpt = None,
    project_dir: ProjectOpt = None,
) -> None:
    """Revoke a credential; `citycourse build` then publishes the revocation list with every city site."""
    from citycourse.certificates import revoke
    from citycourse.store import open_store

    url, _ = _store_url(store, project_dir)
    with open_store(url, create=False) as opened:
        cid, changed = revoke(opened, ident, reason)
    console.print(f"revoked {cid}" if changed else f"{cid} was already revoked")
    err_console.print("rebuild the sites (`citycourse build`) to publish the revocation list")


# ------------------------------------------------------------------------------ records: personal data


@records_app.command("export")
@guarded
def records_export(
    email: Annotated[Optional[str], typer.Argument(help="The learner's email.")] = None,
    learner: Annotated[Optional[str], typer.Option("--learner", help="The learner's email (same as EMAIL).")] = None,
    store: StoreOpt = None,
    project_dir: ProjectOpt = None,
) -> None:
    """Everything the store holds about one learner, as JSON (records, quarantined rows, certificates, ...)."""
    from citycourse.errors import UsageError
    from citycourse.privacy import export_person
    from citycourse.store import open_store

    who = email or learner
    if not who:
        raise UsageError("give the learner's EMAIL")
    url, _ = _store_url(store, project_dir)
    with open_store(url, create=False) as opened:
        found = export_person(opened, who)
    console.print_json(json.dumps(found, ensure_ascii=False, default=str))


@records_app.command("forget")
@guarded
def records_forget(
    email: Annotated[str, typer.Argument(help="The learner's email.")],
    store: StoreOpt = None,
    project_dir: ProjectOpt = None,
) -> None:
    """Erase one learner from every table in one transaction (an audit entry without the email remains).

    Rebuild the sites afterwards so their progress pages no longer count them."""
    from citycourse.privacy import forget_person
    from citycourse.store import open_store

    url, _ = _store_url(store, project_dir)
    with open_store(url, create=False) as opened:
        counts = forget_person(opened, email)
    total = sum(counts.values())
    if not total:
        console.print("nothing held about that learner; nothing changed")
        return
    console.print("erased " + ", ".join(f"{n} {table}" for table, n in counts.items() if n))


@records_app.command("prune")
@guarded
def records_prune(
    before: Annotated[str, typer.Option("--before", help="ISO date: delete records dated before it.")],
    store: StoreOpt = None,
    project_dir: ProjectOpt = None,
) -> None:
    """Retention: delete records older than --before (undated records are kept)."""
    import datetime as dt

    from citycourse.errors import UsageError
    from citycourse.privacy import prune
    from citycourse.store import open_store

    try:
        dt.date.fromisoformat(before)
    except ValueError:
        raise UsageError(f"--before {before!r} is not an ISO date", hint="e.g. 2024-01-01") from None
    url, _ = _store_url(store, project_dir)
    with open_store(url, create=False) as opened:
        counts = prune(opened, before)
    console.print(f"deleted {counts['records']} record(s) dated before {before}")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
    app.add_typer(certificates_app, name="certificates")
