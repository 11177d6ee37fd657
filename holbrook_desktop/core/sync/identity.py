"""This PC in the sync folder: its id (from the records), its name, and its own Ed25519 key."""

from __future__ import annotations

import base64
import json
import socket
from dataclasses import dataclass
from pathlib import Path

from holbrook_desktop.core.errors import Failure
from holbrook_desktop.core.files import write_whole

SYNC_FOLDER = "sync"  # in the data folder: this PC's key
KEY_FILE = "pc-key.der"
PC_FILE = "pc.json"


class PcKeyUnusable(Failure):
    """This PC's bundle key cannot be read."""


@dataclass(frozen=True)
class PcIdentity:
    pc_id: str
    name: str
    private_key: object  # cryptography Ed25519PrivateKey

    @property
    def public_key(self) -> str:
        from cryptography.hazmat.primitives import serialization

        raw = self.private_key.public_key().public_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return base64.b64encode(raw).decode("ascii")

    def sign(self, data: bytes) -> str:
        return base64.b64encode(self.private_key.sign(data)).decode("ascii")  # type: ignore[attr-defined]

    def published(self, vouching: dict[str, str] | None = None) -> bytes:
        """What pc.json in the sync folder says of this PC (with, once it is one of the school's PCs, its
        certificate vouching for its key: core/sync/membership.py)."""
        return json.dumps({"format": "holbrook-pc/1", "pc_id": self.pc_id, "name": self.name,
                           "public_key": self.public_key, "algorithm": "Ed25519", **(vouching or {})},
                          indent=2, sort_keys=True).encode("utf-8")


def load_or_make(data_dir: Path, pc_id: str, name: str | None = None) -> PcIdentity:
    """This PC's key, made the first time (sealed like the school's signing key: DPAPI on Windows)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from holbrook_desktop.core.attestation.signing_key import default_protection

    protection = default_protection()
    folder = data_dir / SYNC_FOLDER
    path = folder / KEY_FILE
    if path.exists():
        try:
            der = protection.unprotect(path.read_bytes())
            key = serialization.load_der_private_key(der, password=None)
        except (OSError, ValueError) as exc:
            raise PcKeyUnusable(f"This PC's sync key ({path}) cannot be read: {exc}. Nothing was "
                                "synced; please tell whoever looks after this PC.") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise PcKeyUnusable(f"This PC's sync key ({path}) is not an Ed25519 key.")
    else:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = Ed25519PrivateKey.generate()
        der = key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        write_whole(path, protection.protect(der))
    return PcIdentity(pc_id, name or socket.gethostname() or pc_id[:8], key)


def verify(public_key: str, data: bytes, signature: str) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True)).verify(
            base64.b64decode(signature, validate=True), data)
    except (InvalidSignature, ValueError):
        return False
    return True
