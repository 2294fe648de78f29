"""The site's "Verify a certificate" page in real headless Chromium, offline from file://."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from test_records_common import make_project

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[1]
NAMES = ["roster.csv", "xapi-statements.json", "xapi-page.json", "xapi-void.jsonl"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Testville's site with a key, one valid, one revoked and one expired credential."""
    from citycourse.app import app
    from citycourse.certificates import IssueOptions, issue_certificates, revoke
    from citycourse.keys import load_issuer
    from citycourse.render.i18n import Strings
    from citycourse.store import open_store
    from test_records_common import plan_for

    tmp = tmp_path_factory.mktemp("verify")
    root = make_project(tmp)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    store = str(root / ".citycourse" / "records.db")
    run = CliRunner()
    env = {"CITYCOURSE_STORE": store, "CITYCOURSE_KEYS": str(root / ".citycourse" / "keys")}
    old = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        files = [str(root.parent / "exports" / n) for n in NAMES]
        assert run.invoke(app, ["records", "import", *files, "--city", "testville", "-C", str(root)]).exit_code == 0
        assert run.invoke(app, ["keys", "init", "--name", "Testville Training Unit", "-C", str(root)]).exit_code == 0
        issuer = load_issuer(root / ".citycourse" / "keys")
        plan = plan_for(root)
        with open_store(store) as opened:
            first = issue_certificates(plan, opened, issuer, Strings("en"), IssueOptions(out=tmp / "a", per_module=True))
            tokens = {w.jwt.name: w.jwt.read_text() for w in first}
            revoke(opened, first[1].credential_id, "issued in error")  # a module certificate
            revoke(opened, first[2].credential_id, "replaced")  # the other: re-issued below, expiring in 2021
            later = issue_certificates(plan, opened, issuer, Strings("en"), IssueOptions(
                out=tmp / "b", per_module=True, valid_years=1, now=dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)))
        assert [w.credential_id for w in later][0] == first[0].credential_id  # the track one is re-used
        valid, revoked, expired = tokens[first[0].jwt.name], tokens[first[1].jwt.name], later[2].jwt.read_text()
        result = run.invoke(app, ["build", "test-course", "--city", "testville", "--out", str(tmp / "out"),
                                  "-C", str(root)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {"site": tmp / "out" / "testville", "valid": valid, "revoked": revoked, "expired": expired}


def _check(browser, site: Path, text: str, code: str = "") -> tuple[str, str]:
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "blob:")) else None)
    page = context.new_page()
    page.goto((site / "verify.html").as_uri() + (f"#code={code}" if code else ""))
    page.fill("#cc-verify-text", text)
    page.click("#cc-verify-button")
    page.wait_for_function("!['idle','checking'].includes(document.getElementById('cc-verify-result').dataset.status)")
    status = page.get_attribute("#cc-verify-result", "data-status") or ""
    shown = page.inner_text("#cc-verify-result")
    context.close()
    assert not requests, requests
    return status, shown


def test_the_site_publishes_the_page_and_only_public_keys(built: dict) -> None:
    site = built["site"]
    assert (site / "verify.html").is_file() and (site / "credentials" / "status-list.jwt").is_file()
    published = b"".join(p.read_bytes() for p in site.rglob("*") if p.is_file())
    assert b"PRIVATE KEY" not in published
    assert "Verify a certificate" in (site / "index.html").read_text()  # in the navigation


def test_valid_and_expired_credentials_in_the_browser(built: dict, browser) -> None:
    from citycourse.credentials import decode_unverified

    token = built["valid"].strip()
    code = decode_unverified(token)["id"].removeprefix("urn:uuid:").replace("-", "").upper()[:12]
    code = f"{code[:4]}-{code[4:8]}-{code[8:]}"
    status, shown = _check(browser, built["site"], token, code)
    assert status == "valid" and "Valid: signed by Testville Training Unit, not revoked." in shown, shown
    assert "The verification code matches the printed certificate." in shown
    status, shown = _check(browser, built["site"], token, "0000-0000-0000")
    assert status == "valid" and "is not the one on the printed certificate" in shown
    status, shown = _check(browser, built["site"], built["expired"].strip())
    assert status == "expired" and "Not valid: it expired on" in shown and "2021" in shown, shown


def test_revoked_and_tampered_credentials_fail_with_a_reason(built: dict, browser) -> None:
    token = built["revoked"].strip()
    status, shown = _check(browser, built["site"], token)
    assert status == "revoked" and "the issuer revoked it (issued in error)" in shown
    head, payload, sig = token.split(".")
    flipped = payload[:40] + ("A" if payload[40] != "A" else "B") + payload[41:]
    status, shown = _check(browser, built["site"], f"{head}.{flipped}.{sig}")
    assert status == "invalid" and ("signature does not match" in shown or "damaged" in shown)
    status, shown = _check(browser, built["site"], "not a credential")
    assert status == "invalid" and "the file is damaged or is not a credential." in shown
