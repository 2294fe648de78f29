"""The issuer's Ed25519 key pair: created owner-only, published as a `did:key`, never inside a site.

The private key is a PKCS#8 PEM file created with mode 0600 in a folder of its
own (`<project>/.citycourse/keys/`, or `$CITYCOURSE_KEYS`) that carries a
`.gitignore` of `*`, so it stays out of git even in a project without one.
The public half is a `did:key` (W3C DID method `key`: multibase base58btc of
the multicodec prefix 0xed01 + the 32-byte public key), which any verifier
can turn back into the key offline; `issuer.json` beside the private key
records it with the issuer's display name. Sites get only the public half,
and `refuse_key_inside` stops a build whose output folder would hold the
private key.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from citycourse.errors import BuildError, UsageError

KEYS_ENV = "CITYCOURSE_KEYS"
PRIVATE_FILE = "issuer-ed25519.pem"
PUBLIC_FILE = "issuer.json"
_ED25519_MULTICODEC = b"\xed\x01"
_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def keys_dir(project_root: Path | None) -> Path:
    """`$CITYCOURSE_KEYS`, else `<project>/.citycourse/keys`."""
    env = os.environ.get(KEYS_ENV)
    if env:
        return Path(env).expanduser().resolve()
    if project_root is None:
        raise UsageError("no project and no $CITYCOURSE_KEYS: where are the issuer's keys?",
                         hint="run inside a project, or set CITYCOURSE_KEYS to the keys folder")
    return (project_root / ".citycourse" / "keys").resolve()


def _b58encode(data: bytes) -> str:
    n = int.from_bytes(data, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = _B58[r] + out
    return "1" * (len(data) - len(data.lstrip(b"\0"))) + out


def _b58decode(text: str) -> bytes:
    n = 0
    for ch in text:
        i = _B58.find(ch)
        if i < 0:
            raise ValueError(f"not base58btc: {ch!r}")
        n = n * 58 + i
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * (len(text) - len(text.lstrip("1"))) + body


def did_key(public_key: bytes) -> str:
    """`did:key:z6Mk...` for a raw 32-byte Ed25519 public key."""
    return "did:key:z" + _b58encode(_ED25519_MULTICODEC + public_key)


def public_key_of(did: str) -> bytes:
    """The raw Ed25519 public key in a `did:key`; ValueError for anything else."""
    if not did.startswith("did:key:z"):
        raise ValueError("not a did:key in base58btc")
    raw = _b58decode(did[len("did:key:z"):])
    if len(raw) != 34 or raw[:2] != _ED25519_MULTICODEC:
        raise ValueError("not an Ed25519 did:key")
    return raw[2:]


def key_id(did: str) -> str:
    """The verification method of a did:key: `<did>#<multibase key>`."""
    return f"{did}#{did.removeprefix('did:key:')}"


@dataclass(frozen=True)
class Issuer:
    """Who signs: the did:key, a display name, and (when loaded for signing) the private key."""

    did: str
    name: str
    private_key: Any = None  # cryptography Ed25519PrivateKey; None for verify-only use

    @property
    def public_key(self) -> bytes:
        return public_key_of(self.did)

    @property
    def kid(self) -> str:
        return key_id(self.did)

    def public_jwk(self) -> dict[str, str]:
        import base64

        x = base64.urlsafe_b64encode(self.public_key).rstrip(b"=").decode()
        return {"kty": "OKP", "crv": "Ed25519", "x": x}

    def did_document(self) -> dict[str, Any]:
        """The DID document a did:key resolves to (published with each site for people to read)."""
        vm = {"id": self.kid, "type": "JsonWebKey2020", "controller": self.did, "publicKeyJwk": self.public_jwk()}
        return {
            "@context": ["https://www.w3.org/ns/did/v1"],
            "id": self.did,
            "name": self.name,
            "verificationMethod": [vm],
            "assertionMethod": [self.kid],
            "authentication": [self.kid],
        }


def _write_owner_only(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def init_keys(folder: Path, name: str, *, force: bool = False) -> Issuer:
    """Create the key pair in `folder` (0700, with a `.gitignore` of `*`); refuses to overwrite unless `force`.

    Replacing a key makes every certificate signed with the old one fail to
    verify against sites built afterwards, hence the explicit `force`.
    """
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    private_path = folder / PRIVATE_FILE
    if private_path.exists() and not force:
        raise UsageError(f"an issuer key already exists: {private_path}",
                         hint="certificates signed with it stop verifying if it is replaced; pass --force to do so anyway")
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# the issuer's private key: never commit it\n*\n", encoding="utf-8")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if force:
        private_path.unlink(missing_ok=True)
    _write_owner_only(private_path, pem)
    issuer = Issuer(did_key(raw), name, key)
    info = {"did": issuer.did, "name": name, "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    (folder / PUBLIC_FILE).write_text(json.dumps(info, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return issuer


def public_issuer(folder: Path) -> Issuer | None:
    """The issuer's public identity from `issuer.json`, or None when no keys were made."""
    path = folder / PUBLIC_FILE
    if not path.is_file():
        return None
    info = json.loads(path.read_text(encoding="utf-8"))
    return Issuer(info["did"], info.get("name") or "")


def load_issuer(folder: Path) -> Issuer:
    """The issuer with its private key, for signing; checks the key file is owner-only and matches issuer.json."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    public = public_issuer(folder)
    private_path = folder / PRIVATE_FILE
    if public is None or not private_path.is_file():
        raise UsageError(f"no issuer key in {folder}", hint="create one with `citycourse keys init --name \"...\"`")
    if os.name == "posix" and private_path.stat().st_mode & 0o077:
        raise UsageError(f"{private_path} can be read by other users",
                         hint=f"make it owner-only: chmod 600 {private_path}")
    key = serialization.load_pem_private_key(private_path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise UsageError(f"{private_path} is not an Ed25519 key")
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if did_key(raw) != public.did:
        raise UsageError(f"{private_path} does not match {folder / PUBLIC_FILE}",
                         hint="the two files must come from the same `citycourse keys init`")
    return Issuer(public.did, public.name, key)


def refuse_key_inside(site_folder: Path, folder: Path) -> None:
    """BuildError when the private key is, or would end up, inside the folder a site is written to."""
    key = (folder / PRIVATE_FILE).resolve()
    if not key.exists():
        return
    site = site_folder.resolve()
    if key.is_relative_to(site) or folder.resolve().is_relative_to(site):
        raise BuildError(
            f"refusing to build into {site_folder}: the issuer's private key ({key}) is inside it and would be published",
            hint="build into another folder, or move the keys (CITYCOURSE_KEYS) out of the site folder",
        )


def issuer_fingerprint(folder: Path) -> str:
    """What of the keys folder changes a site (its public identity), for the no-change build check."""
    try:
        return (folder / PUBLIC_FILE).read_text(encoding="utf-8")
    except OSError:
        return ""
