"""A join file: what HR's PC gives a new PC so that it signs as one of the school's PCs.

    {"format": "holbrook-join/1", "school": "...", "pc_name": "...", "made_at": "...",
     "school_certificate": "<PEM>", "sync_folder": "..." or null, "pkcs12": "<base64>"}

The PKCS#12 holds the new PC's own key, its certificate issued by the school's key, and the school's
certificate, sealed with the administrator password typed to make the file (the school's password:
whoever joins a PC is its administrator and knows it). The file may travel on a USB stick; without
the password it is useless. One file is for one PC: joining with it twice gives two PCs the same key
(the second is refused in the sync folder), so HR makes one per PC and can revoke one gone astray.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from holbrook_desktop.core.attestation.school_root import SchoolIdentityRefused, SchoolRoot

if TYPE_CHECKING:
    from cryptography import x509

FORMAT = "holbrook-join/1"
SUFFIX = ".holbrook-join"
MAX_BYTES = 256 * 1024  # a join file is a few kilobytes; anything far bigger is the wrong file


class JoinFileRefused(SchoolIdentityRefused):
    """A join file that cannot be used as given (not one, damaged, the wrong password); names the file."""


@dataclass(frozen=True)
class JoinFile:
    data: bytes
    pc_name: str
    certificate_fingerprint: str


@dataclass(frozen=True)
class JoinPackage:
    school: str
    pc_name: str
    made_at: str
    sync_folder: str | None
    private_key: Any
    certificate: x509.Certificate
    school_certificate: x509.Certificate
    settings: list[list[str | None]]  # the school's settings when the file was made (core/records/events.py)


def make(root: SchoolRoot, password: str, pc_name: str, *, sync_folder: str | None,
         settings: list[list[str | None]] | None = None, now: datetime | None = None) -> JoinFile:
    """A new key for the PC named ``pc_name``, its certificate issued by the school's key (which
    ``password`` opens), sealed with that password."""
    import hashlib

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12

    from holbrook_desktop.core.attestation.school_root import RSA_BITS

    name = " ".join(pc_name.split())
    if not name or len(name) > 50:
        raise SchoolIdentityRefused("Give the PC a name of 1 to 50 characters (e.g. \"Staff room\"): it is "
                                    "printed on every attestation it signs.")
    root.open_key(password)  # the password first: no key is made for a refused request
    key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    certificate = root.issue(password, key.public_key(), name, now=now)
    school_certificate = root.require_certificate()
    sealed = pkcs12.serialize_key_and_certificates(
        name.encode("utf-8"), key, certificate, [school_certificate],
        serialization.BestAvailableEncryption(password.encode("utf-8")))
    # The school's settings, signed by the school's key: the PC joining takes them as the school's.
    settings_text = json.dumps(settings or [], sort_keys=True)
    signature = base64.b64encode(root.sign(password, settings_text.encode("utf-8"))).decode("ascii")
    body = {"format": FORMAT, "school": root.school_name(), "pc_name": name,
            "settings": settings_text, "settings_signature": signature,
            "made_at": (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds"),
            "school_certificate": school_certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
            "sync_folder": sync_folder, "pkcs12": base64.b64encode(sealed).decode("ascii")}
    fingerprint = hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()
    return JoinFile(json.dumps(body, indent=2).encode("utf-8"), name, fingerprint)


def read(path: Path, password: str) -> JoinPackage:
    """The join file at ``path`` opened with the administrator ``password``; JoinFileRefused naming the
    file and what is wrong."""
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import pkcs12

    from holbrook_desktop.core.attestation.signing_key import issued_by

    try:
        if path.stat().st_size > MAX_BYTES:
            raise JoinFileRefused(f"{path} is far too big to be a join file.")
        data = path.read_bytes()
    except OSError as exc:
        raise JoinFileRefused(f"{path} cannot be read: {exc.strerror or exc}") from exc
    try:
        body = json.loads(data.decode("utf-8"))
        if not isinstance(body, dict) or body.get("format") != FORMAT:
            raise JoinFileRefused(f"{path} is not a join file made by Holbrook Staff Handbook. Ask HR for "
                                  "one ('holbrook school make-join-file').")
        school_certificate = x509.load_pem_x509_certificate(str(body["school_certificate"]).encode("ascii"))
        sealed = base64.b64decode(str(body["pkcs12"]), validate=True)
        school, pc_name, made_at = str(body["school"]), str(body["pc_name"]), str(body["made_at"])
        sync_folder = body.get("sync_folder")
        settings_text = str(body.get("settings") or "[]")
        settings_signature = base64.b64decode(str(body.get("settings_signature") or ""), validate=True)
        settings = [[str(part) if part is not None else None for part in row]
                    for row in json.loads(settings_text)]
        for row in settings:  # (key, value as stored, updated_at, changed_at)
            if len(row) != 4 or row[0] is None or row[1] is None:
                raise JoinFileRefused(f"{path} carries settings that are not the school's. Ask HR for a "
                                      "new join file.")
            json.loads(row[1])
    except (ValueError, KeyError, TypeError, UnicodeError) as exc:
        raise JoinFileRefused(f"{path} is not a join file made by Holbrook Staff Handbook (or it is "
                              f"damaged): {exc}. Ask HR for a new one.") from exc
    try:
        key, certificate, extra = pkcs12.load_key_and_certificates(sealed, password.encode("utf-8"))
    except (ValueError, UnicodeError) as exc:
        raise JoinFileRefused(f"The administrator password does not open {path}: it is sealed with the "
                              "school's administrator password as it was when HR made the file.") from exc
    if key is None or certificate is None:
        raise JoinFileRefused(f"{path} holds no key for this PC: ask HR for a new join file.")
    if not issued_by(certificate, school_certificate) or school_certificate not in extra:
        raise JoinFileRefused(f"In {path} the PC's certificate was not issued by the school's certificate "
                              "it carries: the file was changed. Ask HR for a new one.")
    if not _signed_by(school_certificate, settings_text.encode("utf-8"), settings_signature):
        raise JoinFileRefused(f"In {path} the school's settings were changed after HR made the file. Ask HR "
                              "for a new one.")
    return JoinPackage(school, pc_name, made_at, str(sync_folder) if sync_folder else None, key, certificate,
                       school_certificate, settings)


def _signed_by(certificate, data: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    try:
        certificate.public_key().verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, TypeError, ValueError):
        return False
    return True
