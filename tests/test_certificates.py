"""Certificates as a trainer and a verifier use them: keys, issuing, verifying, revoking (CLI), OB 3.0 schema."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from pathlib import Path

import pytest

from test_records_common import make_project, store_url  # noqa: F401

SCHEMA = Path(__file__).parent / "data" / "openbadges" / "achievementcredential.json"
NAMES = ["roster.csv", "xapi-statements.json", "xapi-page.json", "xapi-void.jsonl"]


@pytest.fixture
def proj(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, store_url: str) -> Path:  # noqa: F811
    monkeypatch.setenv("CITYCOURSE_STORE", store_url)
    monkeypatch.delenv("CITYCOURSE_KEYS", raising=False)
    return make_project(tmp_path)


@pytest.fixture
def issued(invoke, proj: Path, tmp_path: Path) -> Path:
    """Records imported (Maria Santos completes the it-officer track), a key made, certificates issued."""
    exports = proj.parent / "exports"
    assert invoke(["records", "import", *(str(exports / n) for n in NAMES), "--city", "testville"], cwd=proj).exit_code == 0
    result = invoke(["keys", "init", "--name", "Testville Training Unit"], cwd=proj)
    assert result.exit_code == 0, result.output
    out = tmp_path / "certs"
    result = invoke(["certificates", "--city", "testville", "--out", str(out)], cwd=proj)
    assert result.exit_code == 0 and "wrote 1 certificate(s)" in result.output, result.output
    return out


def _payload(token: str) -> dict:
    from citycourse.credentials import decode_unverified

    return decode_unverified(token)


def test_keys_init_writes_an_owner_only_git_ignored_private_key(invoke, proj: Path) -> None:
    result = invoke(["keys", "init", "--name", "Testville Training Unit"], cwd=proj)
    assert result.exit_code == 0, result.output
    keys = proj / ".citycourse" / "keys"
    assert stat.S_IMODE((keys / "issuer-ed25519.pem").stat().st_mode) == 0o600
    assert stat.S_IMODE(keys.stat().st_mode) == 0o700
    assert (keys / ".gitignore").read_text().splitlines()[-1] == "*"
    did = json.loads((keys / "issuer.json").read_text())["did"]
    assert did.startswith("did:key:z6Mk") and f"did: {did}" in result.output
    again = invoke(["keys", "init", "--name", "Other"], cwd=proj)
    assert again.exit_code == 2 and "an issuer key already exists" in again.output
    assert json.loads((keys / "issuer.json").read_text())["did"] == did  # not replaced without --force


def test_a_group_readable_key_is_refused_for_signing(invoke, issued: Path, proj: Path, tmp_path: Path) -> None:
    os.chmod(proj / ".citycourse" / "keys" / "issuer-ed25519.pem", 0o644)
    result = invoke(["certificates", "--city", "testville", "--out", str(tmp_path / "again")], cwd=proj)
    assert result.exit_code == 2 and "can be read by other users" in result.output


def test_the_sqlite_store_is_created_owner_only(invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CITYCOURSE_STORE", raising=False)
    root = make_project(tmp_path)
    assert invoke(["records", "import", str(root.parent / "exports" / "roster.csv")], cwd=root).exit_code == 0
    assert stat.S_IMODE((root / ".citycourse" / "records.db").stat().st_mode) == 0o600


def test_issue_writes_page_credential_and_readable_json(issued: Path) -> None:
    stem = "maria-testville-example-gov"
    assert sorted(p.name for p in issued.iterdir()) == [f"{stem}.html", f"{stem}.json", f"{stem}.jwt"]
    token = (issued / f"{stem}.jwt").read_text().strip()
    payload = _payload(token)
    assert json.loads((issued / f"{stem}.json").read_text()) == {
        k: v for k, v in payload.items() if k not in ("iss", "jti", "nbf", "sub", "exp")}
    raw = (issued / f"{stem}.jwt").read_text() + (issued / f"{stem}.json").read_text()
    assert "maria@testville.example.gov" not in raw and "Santos" not in raw  # no plain email or name
    ident = payload["credentialSubject"]["identifier"][0]
    from citycourse.credentials import identity_hash

    assert ident["identityHash"] == identity_hash("Maria@Testville.example.gov", ident["salt"])
    achievement = payload["credentialSubject"]["achievement"]
    assert achievement["name"] == "Track: IT officers"
    assert achievement["tag"] == ["intro-basics", "privacy"]
    assert "Privacy basics (1 h)" in achievement["criteria"]["narrative"] and "2 h in total" in achievement["criteria"]["narrative"]
    page = (issued / f"{stem}.html").read_text()
    code = "-".join(payload["id"].removeprefix("urn:uuid:").replace("-", "").upper()[i:i + 4] for i in (0, 4, 8))
    for text in ("Santos, Maria", "Testville", "IT officers", "Privacy basics", "Testville Training Unit", code, "<svg"):
        assert text in page, text
    assert "http" not in page  # self-contained: nothing loads from the network


def test_credential_validates_against_1edtech_achievement_credential_schema(issued: Path) -> None:
    import jsonschema

    schema = json.loads(SCHEMA.read_text())
    payload = _payload((issued / "maria-testville-example-gov.jwt").read_text())
    jsonschema.Draft201909Validator(schema).validate(payload)
    broken = {k: v for k, v in payload.items() if k != "validFrom"}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft201909Validator(schema).validate(broken)


def test_verify_round_trip_and_reissue_is_idempotent(invoke, issued: Path, proj: Path) -> None:
    jwt = issued / "maria-testville-example-gov.jwt"
    before = jwt.read_bytes()
    result = invoke(["certificates", "verify", str(jwt)], cwd=proj)
    assert result.exit_code == 0, result.output
    assert "VALID" in result.output and "signed by Testville Training Unit; not revoked" in result.output
    assert invoke(["certificates", "--city", "testville", "--out", str(issued)], cwd=proj).exit_code == 0
    assert jwt.read_bytes() == before  # same id, dates, salt and bit: the same signed bytes


def test_one_flipped_byte_anywhere_fails(issued: Path, proj: Path) -> None:
    from citycourse.credentials import verify_token
    from citycourse.keys import public_issuer

    token = (issued / "maria-testville-example-gov.jwt").read_text().strip()
    trusted = {public_issuer(proj / ".citycourse" / "keys").did}
    assert verify_token(token, trusted, None).status == "unchecked"  # signature fine; no list given
    reasons = set()
    for i in range(len(token)):
        for flip in (0x01, 0x20):
            changed = token[:i] + chr(ord(token[i]) ^ flip) + token[i + 1:]
            verdict = verify_token(changed, trusted, None)
            assert verdict.status == "invalid", (i, flip, verdict)
            reasons.add(verdict.reason.split(" (")[0].split(":")[0])
    assert "the signature does not match" in reasons and "the credential is damaged" in reasons


def test_revoked_credential_fails_with_the_reason(invoke, issued: Path, proj: Path) -> None:
    jwt = issued / "maria-testville-example-gov.jwt"
    code = json.loads((issued / "maria-testville-example-gov.json").read_text())["id"][9:23].replace("-", "")
    code = f"{code[:4]}-{code[4:8]}-{code[8:12]}".upper()
    result = invoke(["certificates", "revoke", code, "--reason", "issued in error"], cwd=proj)
    assert result.exit_code == 0 and "revoked urn:uuid:" in result.output, result.output
    result = invoke(["certificates", "verify", str(jwt)], cwd=proj)
    assert result.exit_code == 1
    assert "REVOKED" in result.output and "revoked by the issuer: issued in error" in result.output
    again = invoke(["certificates", "revoke", code, "--reason", "again"], cwd=proj)
    assert "was already revoked" in again.output
    unknown = invoke(["certificates", "revoke", "0000-0000-0000", "--reason", "x"], cwd=proj)
    assert unknown.exit_code == 2 and "no credential '0000-0000-0000'" in unknown.output


def test_published_revocation_list_is_what_an_outside_verifier_uses(invoke, issued: Path, proj: Path,
                                                                   tmp_path: Path) -> None:
    from citycourse.certificates import revoked
    from citycourse.credentials import StatusList, sign_status_list, status_list_id
    from citycourse.keys import load_issuer
    from citycourse.store import open_store

    issuer = load_issuer(proj / ".citycourse" / "keys")
    jwt = issued / "maria-testville-example-gov.jwt"
    outside = tmp_path / "outside"
    outside.mkdir()

    def published() -> Path:
        with open_store(os.environ["CITYCOURSE_STORE"]) as store:
            token = sign_status_list(StatusList(status_list_id(issuer.did), issuer.did, revoked(store)), issuer)
        path = outside / "status-list.jwt"
        path.write_text(token)
        return path

    args = ["certificates", "verify", str(jwt), "--issuer", issuer.did, "--store", str(outside / "none.db"),
            "-C", str(outside), "--format", "json"]
    no_list = invoke(args, cwd=outside)
    assert no_list.exit_code == 4 and json.loads(no_list.stdout)[0]["status"] == "unchecked"
    ok = invoke([*args, "--status-list", str(published())], cwd=outside)
    assert ok.exit_code == 0 and json.loads(ok.stdout)[0]["status"] == "valid"
    invoke(["certificates", "revoke", _payload(jwt.read_text())["id"], "--reason", "left the programme"], cwd=proj)
    result = invoke([*args, "--status-list", str(published())], cwd=outside)
    assert result.exit_code == 1
    assert json.loads(result.stdout)[0] | {"status": "revoked", "reason": "revoked by the issuer: left the programme"} \
        == json.loads(result.stdout)[0]
    other = invoke([*args[:3], "--issuer", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
                    *args[5:], "--format", "text"], cwd=outside)
    assert other.exit_code == 1 and "UNTRUSTED" in other.output


def test_expired_credential_fails(proj: Path, invoke, tmp_path: Path) -> None:
    from citycourse.certificates import IssueOptions, issue_certificates
    from citycourse.credentials import verify_token
    from citycourse.keys import init_keys
    from citycourse.render.i18n import Strings
    from citycourse.store import open_store
    from test_records_common import plan_for

    exports = proj.parent / "exports"
    assert invoke(["records", "import", *(str(exports / n) for n in NAMES), "--city", "testville"], cwd=proj).exit_code == 0
    issuer = init_keys(tmp_path / "keys", "Testville Training Unit")
    past = dt.datetime(2020, 3, 1, tzinfo=dt.timezone.utc)
    with open_store(os.environ["CITYCOURSE_STORE"]) as store:
        [written] = issue_certificates(plan_for(proj), store, issuer, Strings("en"),
                                       IssueOptions(out=tmp_path / "old", valid_years=2, now=past))
    token = written.jwt.read_text()
    assert _payload(token)["validUntil"] == "2022-03-01T00:00:00Z" and _payload(token)["exp"] == 1646092800
    verdict = verify_token(token, {issuer.did}, None)
    assert verdict.status == "expired" and verdict.reason == "expired on 2022-03-01T00:00:00Z"
    assert verify_token(token, {issuer.did}, None, now=dt.datetime(2021, 1, 1, tzinfo=dt.timezone.utc)).status == "unchecked"
    result = invoke(["certificates", "verify", str(written.jwt), "--issuer", issuer.did], cwd=proj)
    assert result.exit_code == 1 and "EXPIRED" in result.output


def test_module_certificates_with_the_flag(invoke, issued: Path, proj: Path) -> None:
    result = invoke(["certificates", "--city", "testville", "--out", str(issued), "--modules"], cwd=proj)
    assert result.exit_code == 0 and "and 2 module certificate(s)" in result.output, result.output
    token = (issued / "maria-testville-example-gov--privacy.jwt").read_text()
    assert _payload(token)["credentialSubject"]["achievement"]["name"] == "Privacy basics"
    assert invoke(["certificates", "verify", *map(str, sorted(issued.glob("*.jwt")))], cwd=proj).exit_code == 0


def test_a_readable_json_copy_does_not_verify(invoke, issued: Path, proj: Path) -> None:
    result = invoke(["certificates", "verify", str(issued / "maria-testville-example-gov.json")], cwd=proj)
    assert result.exit_code == 1 and "JSON without a signature" in result.output


def test_verify_checks_the_holders_email(invoke, issued: Path, proj: Path) -> None:
    jwt = str(issued / "maria-testville-example-gov.jwt")
    assert invoke(["certificates", "verify", jwt, "--email", "maria@testville.example.gov"], cwd=proj).exit_code == 0
    other = invoke(["certificates", "verify", jwt, "--email", "someone@else.example"], cwd=proj)
    assert other.exit_code == 1 and "not issued to that email" in other.output


def test_build_refuses_when_the_private_key_is_inside_the_output(invoke, proj: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CITYCOURSE_KEYS", str(proj / "public" / "keys"))
    assert invoke(["keys", "init", "--name", "T"], cwd=proj).exit_code == 0
    result = invoke(["build", "test-course", "--city", "testville", "--out", "public"], cwd=proj)
    assert result.exit_code == 3, result.output
    assert f"refusing to build into {proj / 'public'}: the issuer's private key" in result.output.replace("\n", "")
    assert not (proj / "public" / "testville").exists()
