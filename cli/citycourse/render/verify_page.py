"""The site's "Verify a certificate" page and what it reads: the issuer's DID document and revocation list.

Published in every city site once the project has an issuer key
(`citycourse keys init`): `verify.md` (a form; the checking is
`assets/citycourse/verify.js`, WebCrypto Ed25519, offline),
`credentials/issuer.json` (the did:key's DID document),
`credentials/status-list.jwt` (the signed revocation list) and
`credentials/verify-data.js` (the same facts as a script, because a page
opened from file:// may not fetch files). Only public keys go in.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from citycourse.keys import Issuer
    from citycourse.render.i18n import Strings

PAGE = "verify.md"
_STRING_KEYS = (
    "valid", "invalid", "what", "code", "issued_to_email", "not_issued_to_email", "code_matches", "code_differs",
    "reason_damaged", "reason_signature", "reason_untrusted", "reason_expired", "reason_not_yet", "reason_revoked",
    "reason_no_crypto", "verify_code_expected",
)


def _esc(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def verify_page(t: Strings, issuer: Issuer) -> str:
    s = lambda key, **v: _esc(t(f"certificate.{key}", **v))  # noqa: E731
    return f"""# {t("certificate.verify_title")}

{t("certificate.verify_intro")}

{t("certificate.issuer_line", issuer=issuer.name, did=issuer.did)}

<form id="cc-verify-form" class="cc-verify" markdown="0">
<p id="cc-verify-expected"></p>
<div id="cc-verify-drop" class="cc-verify-drop">
<label for="cc-verify-file">{s("verify_file")}</label>
<input type="file" id="cc-verify-file" accept=".jwt,.jws,.txt,text/plain">
</div>
<p><label for="cc-verify-text">{s("verify_paste")}</label><br>
<textarea id="cc-verify-text" rows="6" cols="60" spellcheck="false" style="width:100%;font-family:monospace"></textarea></p>
<p><label for="cc-verify-email">{s("verify_email")}</label><br>
<input type="email" id="cc-verify-email" autocomplete="off" style="width:100%"></p>
<p><button type="submit" id="cc-verify-button" class="md-button md-button--primary">{s("verify_button")}</button></p>
<div id="cc-verify-result" class="cc-verify-result" role="status" aria-live="polite" data-status="idle"></div>
</form>

<script src="credentials/verify-data.js"></script>
<script src="assets/citycourse/verify.js"></script>
"""


def verify_data(t: Strings, issuer: Issuer, status_list_jwt: str, lang: str) -> str:
    data: dict[str, Any] = {
        "lang": lang,
        "issuer": {"did": issuer.did, "name": issuer.name, "x": issuer.public_jwk()["x"]},
        "statusList": status_list_jwt,
        "strings": {key: t(f"certificate.{key}") for key in _STRING_KEYS},
    }
    return "window.CITYCOURSE_VERIFY = " + json.dumps(data, ensure_ascii=False, indent=1) + ";\n"


def site_files(t: Strings, issuer: Issuer, status_list_jwt: str, lang: str) -> dict[str, bytes]:
    """The files to add to a city site's docs (paths relative to docs/)."""
    return {
        PAGE: verify_page(t, issuer).encode("utf-8"),
        "credentials/issuer.json": (json.dumps(issuer.did_document(), indent=2, ensure_ascii=False) + "\n").encode(),
        "credentials/status-list.jwt": (status_list_jwt + "\n").encode("ascii"),
        "credentials/verify-data.js": verify_data(t, issuer, status_list_jwt, lang).encode("utf-8"),
    }


def publish(project_root: Path, city: Any, store_url: str | None) -> tuple[dict[str, bytes], list[Any]]:
    """(files, nav entries) for one city's site: nothing before `citycourse keys init`.

    The revocation list is signed afresh from the store (or empty without one);
    signing needs the private key, so a build on a machine without it fails
    with a clear message rather than publishing a stale list. The private key
    itself never leaves its folder (`keys.refuse_key_inside` guards the output).
    """
    from citycourse.credentials import StatusList, sign_status_list, status_list_id
    from citycourse.keys import PRIVATE_FILE, keys_dir, load_issuer, public_issuer
    from citycourse.render.pages import city_strings

    folder = keys_dir(project_root)
    public = public_issuer(folder)
    if public is None or not (folder / PRIVATE_FILE).is_file():
        return {}, []
    issuer = load_issuer(folder)
    revoked: dict[int, str] = {}
    if store_url:
        from citycourse.store_location import sqlite_missing

        if not sqlite_missing(store_url):
            from citycourse.certificates import revoked as revoked_bits
            from citycourse.store import open_store

            with open_store(store_url, create=False) as store:
                revoked = revoked_bits(store)
    import datetime as dt

    # A fixed time of day keeps the list's bytes, and so the site's hash, the same between builds of one day.
    today = dt.datetime.combine(dt.date.today(), dt.time(), dt.timezone.utc)
    token = sign_status_list(StatusList(status_list_id(issuer.did), issuer.did, revoked), issuer, today)
    t = city_strings(city)
    return site_files(t, issuer, token, city.language), [{t("certificate.verify_title"): PAGE}]
