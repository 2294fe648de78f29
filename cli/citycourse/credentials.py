"""Open Badges 3.0 credentials: built, signed as VC-JWT with Ed25519, verified, revoked.

Format (OB 3.0 §5.1, §8.2): a credential file is the Compact JWS of the
`OpenBadgeCredential` JSON, header `{"alg": "EdDSA", "kid": <did:key#key>,
"typ": "JWT"}`, the payload the credential plus the claims `iss` (issuer.id),
`jti` (id), `nbf` (validFrom), `sub` (credentialSubject.id) and `exp`
(validUntil, when it has one). The issuer is a `did:key` (`citycourse.keys`),
so a verifier needs nothing online. The learner is an `IdentityObject` with a
salted `sha256$` hash of their email (OB 3.0 IdentityHash), never the email.

Revocation is a W3C Bitstring Status List (v1.0): each credential names a bit
(`statusListIndex`) of one list per issuer; the list (GZIP, multibase
base64url, 131,072 bits as the spec's minimum for privacy) is itself a signed
VC-JWT published with every city site, with the trainers' reasons beside the
bits. The same `verify_token` runs in the CLI; `render/assets/verify.js` does
the same checks in the browser with WebCrypto.

Tamper evidence: Ed25519 signatures cover header and payload; base64url
segments must be canonical (a flipped padding bit in the last character
would otherwise decode to the same bytes), so one changed byte anywhere in the
file fails.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import hashlib
import json
import re
import secrets
import uuid
import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

from citycourse.keys import Issuer, key_id, public_key_of

CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
#: W3C Bitstring Status List v1.0: at least 16 KB of bits, so one index tells nothing about who holds it.
LIST_BITS = 131_072
#: JOSE algorithm names accepted for Ed25519: "EdDSA" (RFC 8037, what OB 3.0 verifiers know; we sign with it)
#: and "Ed25519" (RFC 9864's fully specified name).
ALGORITHMS = ("EdDSA", "Ed25519")
_B64 = re.compile(r"^[A-Za-z0-9_-]+$")

Scope = Literal["track", "module"]
Status = Literal["valid", "invalid", "untrusted", "expired", "not-yet-valid", "revoked", "unchecked"]


def utc(value: dt.datetime) -> str:
    """XML Schema dateTime in UTC without fractions, as OB 3.0 examples write them."""
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Strict base64url: only the alphabet, no padding, and canonical (re-encodes to the same text)."""
    if not _B64.match(text):
        raise ValueError("not base64url")
    data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if b64url(data) != text:
        raise ValueError("non-canonical base64url")
    return data


def identity_hash(email: str, salt: str) -> str:
    """OB 3.0 IdentityHash: `sha256$` + hex sha256 of the normalised email followed by the salt."""
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def verification_code(credential_id: str) -> str:
    """The short code printed on a certificate: the first 12 hex digits of its UUID, grouped (XXXX-XXXX-XXXX)."""
    hexa = credential_id.removeprefix("urn:uuid:").replace("-", "").upper()[:12]
    return "-".join(hexa[i : i + 4] for i in range(0, 12, 4))


def status_list_id(issuer_did: str) -> str:
    """The revocation list's id: one list per issuer, shipped with every site (the verifiers read that copy)."""
    return "urn:citycourse:revocation-list:" + issuer_did.removeprefix("did:key:")


@dataclass(frozen=True)
class ModuleLine:
    id: str
    title: str
    hours: float


@dataclass(frozen=True)
class Award:
    """What one credential says; built by `citycourse.certificates` from a learner's progress."""

    credential_id: str  # urn:uuid:...
    email: str
    city_id: str
    city_name: str
    curriculum_id: str
    curriculum_title: str
    scope: Scope
    achievement_key: str  # role (track) or module id
    achievement_name: str  # "Planners track" / the module's title, in the site language
    description: str
    modules: tuple[ModuleLine, ...]
    issued_at: dt.datetime
    valid_until: dt.datetime | None
    completed_on: dt.date | None
    status_index: int
    salt: str
    language: str = "en"

    @property
    def hours(self) -> float:
        return sum(m.hours for m in self.modules)

    @property
    def code(self) -> str:
        return verification_code(self.credential_id)


def new_credential_id() -> str:
    return f"urn:uuid:{uuid.uuid4()}"


def new_salt() -> str:
    return secrets.token_hex(16)


def _hours(value: float) -> str:
    return f"{value:g}"


def build_credential(award: Award, issuer: Issuer) -> dict[str, Any]:
    """The OpenBadgeCredential JSON (before signing), per 1EdTech's AchievementCredential schema."""
    achievement_id = f"urn:citycourse:{award.curriculum_id}:{award.scope}:{award.achievement_key}"
    narrative = "\n".join(f"- {m.title} ({_hours(m.hours)} h)" for m in award.modules)
    narrative += f"\n\n{_hours(award.hours)} h in total."
    credential: dict[str, Any] = {
        "@context": list(CONTEXT),
        "id": award.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{award.curriculum_title}: {award.achievement_name}",
        "issuer": {"id": issuer.did, "type": ["Profile"], "name": issuer.name},
        "validFrom": utc(award.issued_at),
        "credentialSubject": {
            # A per-credential pseudonym: OB 3.0's VC-JWT `sub` must equal credentialSubject.id.
            "id": "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, award.credential_id + "#subject")),
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject", "identityHash": identity_hash(award.email, award.salt),
                "identityType": "emailAddress", "hashed": True, "salt": award.salt,
            }],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": award.achievement_name,
                "description": award.description,
                "criteria": {"narrative": narrative},
                "inLanguage": award.language,
                "tag": [m.id for m in award.modules],
                "creator": {"id": issuer.did, "type": ["Profile"], "name": issuer.name},
            },
        },
        "credentialStatus": {
            "id": f"{status_list_id(issuer.did)}#{award.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(award.status_index),
            "statusListCredential": status_list_id(issuer.did),
        },
    }
    if award.completed_on is not None:
        credential["awardedDate"] = utc(dt.datetime.combine(award.completed_on, dt.time(), dt.timezone.utc))
    if award.valid_until is not None:
        credential["validUntil"] = utc(award.valid_until)
    return credential


def sign(credential: dict[str, Any], issuer: Issuer) -> str:
    """The Compact JWS (VC-JWT) of `credential` with the JWT claims OB 3.0 §8.2.4 requires."""
    from joserfc import jws
    from joserfc.jwk import OKPKey

    if issuer.private_key is None:
        raise ValueError("the issuer was loaded without its private key")
    claims = {
        "iss": credential["issuer"]["id"] if isinstance(credential["issuer"], dict) else credential["issuer"],
        "jti": credential["id"],
        "nbf": int(parse_time(credential["validFrom"]).timestamp()),
    }
    subject = credential.get("credentialSubject") or {}
    if isinstance(subject, dict) and subject.get("id"):
        claims["sub"] = subject["id"]
    if credential.get("validUntil"):
        claims["exp"] = int(parse_time(credential["validUntil"]).timestamp())
    payload = json.dumps({**credential, **claims}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    header = {"alg": "EdDSA", "kid": key_id(issuer.did), "typ": "JWT"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # joserfc flags "EdDSA" as superseded by RFC 9864's "Ed25519"
        return jws.serialize_compact(header, payload, OKPKey.import_key(issuer.private_key), algorithms=["EdDSA"])


# ------------------------------------------------------------------------------ revocation list


@dataclass
class StatusList:
    """A revocation list: the set bits and why (`reasons` by index); `id` names it."""

    id: str
    issuer: str
    revoked: dict[int, str] = field(default_factory=dict)

    def encoded(self) -> str:
        """Multibase (`u`, base64url) of the GZIP-compressed bitstring, index 0 the first byte's high bit."""
        bits = bytearray(LIST_BITS // 8)
        for index in self.revoked:
            bits[index // 8] |= 0x80 >> (index % 8)
        return "u" + b64url(gzip.compress(bytes(bits), mtime=0))

    def credential(self, now: dt.datetime) -> dict[str, Any]:
        return {
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "id": self.id,
            "type": ["VerifiableCredential", "BitstringStatusListCredential"],
            "issuer": self.issuer,
            "validFrom": utc(now),
            "credentialSubject": {
                "id": f"{self.id}#list",
                "type": "BitstringStatusList",
                "statusPurpose": "revocation",
                "encodedList": self.encoded(),
                # citycourse's addition: the trainers' reasons, so a verifier can say why.
                "revocationReasons": {str(i): r for i, r in sorted(self.revoked.items())},
            },
        }

    @classmethod
    def from_credential(cls, payload: dict[str, Any]) -> StatusList:
        subject = payload["credentialSubject"]
        encoded = subject["encodedList"]
        if not encoded.startswith("u"):
            raise ValueError("encodedList is not multibase base64url")
        bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
        reasons = subject.get("revocationReasons") or {}
        revoked = {}
        for byte_index, byte in enumerate(bits):
            if byte:
                for bit in range(8):
                    if byte & (0x80 >> bit):
                        index = byte_index * 8 + bit
                        revoked[index] = str(reasons.get(str(index), ""))
        issuer = payload["issuer"]["id"] if isinstance(payload["issuer"], dict) else payload["issuer"]
        return cls(payload["id"], issuer, revoked)


def sign_status_list(status: StatusList, issuer: Issuer, now: dt.datetime | None = None) -> str:
    return sign(status.credential(now or dt.datetime.now(dt.timezone.utc)), issuer)


# ------------------------------------------------------------------------------ verification


@dataclass
class Verdict:
    """The outcome of verifying one credential: `ok` only for "valid"."""

    status: Status
    reason: str
    credential: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.status == "valid"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": self.status, "ok": self.ok, "reason": self.reason}
        if self.credential:
            c = self.credential
            out["id"] = c.get("id")
            out["code"] = verification_code(str(c.get("id", "")))
            out["name"] = c.get("name")
            out["validFrom"] = c.get("validFrom")
            out["validUntil"] = c.get("validUntil")
        return out


class _Invalid(Exception):
    def __init__(self, status: Status, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _issuer_id(payload: dict[str, Any]) -> str:
    issuer = payload.get("issuer")
    value = issuer.get("id") if isinstance(issuer, dict) else issuer
    if not isinstance(value, str):
        raise _Invalid("invalid", "the credential names no issuer")
    return value


def check_signature(token: str) -> dict[str, Any]:
    """The payload of a VC-JWT whose Ed25519 signature verifies against its own issuer's did:key.

    Raises _Invalid naming what is wrong. Trusting that issuer is the caller's business.
    """
    from joserfc import jws
    from joserfc.errors import JoseError
    from joserfc.jwk import OKPKey

    parts = token.split(".")
    if len(parts) != 3:
        raise _Invalid("invalid", "not a signed credential (a VC-JWT has three dot-separated parts)")
    try:
        header = json.loads(b64url_decode(parts[0]))
        payload = json.loads(b64url_decode(parts[1]))
        b64url_decode(parts[2])
    except (ValueError, UnicodeDecodeError):
        raise _Invalid("invalid", "the credential is damaged (its base64url or JSON does not decode)") from None
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise _Invalid("invalid", "the credential is damaged (header or payload is not a JSON object)")
    if header.get("alg") not in ALGORITHMS:
        raise _Invalid("invalid", f"unsupported signature algorithm {header.get('alg')!r} (expected EdDSA)")
    if set(header) - {"alg", "kid", "typ"} or header.get("typ", "JWT") != "JWT":
        raise _Invalid("invalid", "unexpected JOSE header fields")
    issuer = _issuer_id(payload)
    if payload.get("iss") != issuer:
        raise _Invalid("invalid", "the JWT `iss` claim differs from the credential's issuer")
    if header.get("kid") not in (None, key_id(issuer)):
        raise _Invalid("invalid", "the signing key (kid) is not the issuer's")
    try:
        public = public_key_of(issuer)
    except ValueError:
        raise _Invalid("untrusted", f"the issuer {issuer} is not an Ed25519 did:key") from None
    key = OKPKey.import_key({"kty": "OKP", "crv": "Ed25519", "x": b64url(public)})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            jws.deserialize_compact(token, key, algorithms=[header["alg"]])
    except (JoseError, ValueError):
        raise _Invalid("invalid", "the signature does not match: the credential was changed after it was signed") from None
    return payload


def _check_claims(payload: dict[str, Any]) -> None:
    """OB 3.0 §8.2.6.1: the JWT claims repeat the credential's id, dates and subject."""
    if payload.get("jti") != payload.get("id"):
        raise _Invalid("invalid", "the JWT `jti` claim differs from the credential id")
    subject = payload.get("credentialSubject")
    if isinstance(subject, dict) and subject.get("id") and payload.get("sub") != subject["id"]:
        raise _Invalid("invalid", "the JWT `sub` claim differs from credentialSubject.id")
    try:
        valid_from = parse_time(payload["validFrom"])
        if payload.get("nbf") != int(valid_from.timestamp()):
            raise _Invalid("invalid", "the JWT `nbf` claim differs from validFrom")
        if payload.get("validUntil") is not None or payload.get("exp") is not None:
            if payload.get("exp") != int(parse_time(str(payload.get("validUntil"))).timestamp()):
                raise _Invalid("invalid", "the JWT `exp` claim differs from validUntil")
    except (KeyError, TypeError, ValueError):
        raise _Invalid("invalid", "the credential's dates are missing or malformed") from None
    types = payload.get("type") or []
    if "VerifiableCredential" not in types or "OpenBadgeCredential" not in types:
        raise _Invalid("invalid", "not an OpenBadgeCredential")


def verify_status_list(token: str, trusted: set[str]) -> StatusList:
    """A published revocation list, checked like a credential (signed by a trusted issuer)."""
    payload = check_signature(token.strip())
    if _issuer_id(payload) not in trusted:
        raise _Invalid("untrusted", "the revocation list is not signed by the trusted issuer")
    if "BitstringStatusListCredential" not in (payload.get("type") or []):
        raise _Invalid("invalid", "not a Bitstring Status List credential")
    return StatusList.from_credential(payload)


def verify_token(
    text: str,
    trusted: set[str],
    status: StatusList | None,
    now: dt.datetime | None = None,
) -> Verdict:
    """Signature, issuer, JWT claims, dates, then revocation; the first failure is the verdict.

    `trusted`: the issuer DIDs accepted. `status`: the issuer's revocation list,
    or None when it could not be had (then a credential that names a status
    entry is "unchecked", not valid).
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    text = text.strip()
    payload: dict[str, Any] | None = None
    if text.startswith("{"):
        return Verdict("invalid", "this is JSON without a signature (a readable copy?): verify the .jwt file")
    try:
        payload = check_signature(text)
        issuer = _issuer_id(payload)
        if issuer not in trusted:
            raise _Invalid("untrusted", f"signed by {issuer}, which is not the trusted issuer")
        _check_claims(payload)
        valid_from = parse_time(payload["validFrom"])
        if now < valid_from:
            raise _Invalid("not-yet-valid", f"not valid before {payload['validFrom']}")
        if payload.get("validUntil") and now > parse_time(payload["validUntil"]):
            raise _Invalid("expired", f"expired on {payload['validUntil']}")
        entry = payload.get("credentialStatus")
        if entry:
            if status is None:
                raise _Invalid("unchecked", "signature and dates are valid, but the revocation list was not available")
            if entry.get("statusListCredential") != status.id or entry.get("statusPurpose") != "revocation":
                raise _Invalid("unchecked", "the credential names another revocation list than the one given")
            index = int(entry.get("statusListIndex", -1))
            if not 0 <= index < LIST_BITS:
                raise _Invalid("invalid", "the revocation list index is out of range")
            if index in status.revoked:
                why = status.revoked[index]
                raise _Invalid("revoked", "revoked by the issuer" + (f": {why}" if why else ""))
    except _Invalid as exc:
        return Verdict(exc.status, exc.reason, payload)
    name = payload["issuer"].get("name") if isinstance(payload["issuer"], dict) else None
    return Verdict("valid", f"signed by {name or issuer}; not revoked", payload)


def decode_unverified(text: str) -> dict[str, Any]:
    """The payload of a VC-JWT without checking anything (for display and tests)."""
    return json.loads(b64url_decode(text.strip().split(".")[1]))
