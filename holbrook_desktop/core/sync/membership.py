"""Which PCs' bundles a PC of the school applies: once a PC has the school's certificate (it made it,
or joined with a join file), only PCs whose certificate the school issued, and has not revoked.

Each PC vouches for its sync key (the Ed25519 key its bundles are signed with) in its pc.json: its
certificate, and its signing key's signature over its id and sync key. A PC that is not (yet) one of
the school's, or whose certificate the school revoked, is refused by name, with what to do; nothing of
its bundles is applied. A PC without the school's certificate trusts each PC's key the first time it
sees it, as before the school had one identity.
"""

from __future__ import annotations

import base64
import json
import logging
from pathlib import Path
from typing import Any

from holbrook_desktop.core.errors import Failure

log = logging.getLogger(__name__)

_VOUCHED: dict[tuple[str, ...], dict[str, Any]] = {}  # (pc, sync key, certificates) → what pc.json adds


def _message(pc_id: str, sync_key: str, earlier: list[str]) -> bytes:
    """What a PC's signing key signs in its pc.json: its id, its sync key, and the fingerprints of the
    certificates it signed with before it joined the school (so that those attestations verify too)."""
    return json.dumps({"format": "holbrook-pc-key/1", "pc_id": pc_id, "sync_key": sync_key,
                       "earlier_certificates": sorted(earlier)}, sort_keys=True).encode("utf-8")


def vouching(data_dir: Path, pc_id: str, sync_key: str) -> dict[str, Any]:
    """What this PC's pc.json carries to show it is one of the school's PCs ({} if it is not)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    from holbrook_desktop.core.attestation.school_root import SchoolRoot
    from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey, issued_by

    root = SchoolRoot(data_dir).certificate()
    if root is None:
        return {}
    key = SchoolSigningKey(data_dir)
    try:
        current = key.current()
    except Failure as exc:
        log.warning("sync: this PC cannot vouch for its sync key: %s", exc)
        return {}
    if current is None or not issued_by(x509.load_der_x509_certificate(current.der), root):
        return {}
    earlier = [c for c in key.certificates()
               if not c.current and not issued_by(x509.load_der_x509_certificate(c.der), root)]
    cache = (pc_id, sync_key, current.fingerprint, *sorted(c.fingerprint for c in earlier))
    if cache not in _VOUCHED:
        pem = x509.load_der_x509_certificate(current.der).public_bytes(serialization.Encoding.PEM)
        signature = key.sign_bytes(_message(pc_id, sync_key, [c.fingerprint for c in earlier]))
        _VOUCHED[cache] = {"certificate": pem.decode("ascii"),
                           "vouched": base64.b64encode(signature).decode("ascii"),
                           "earlier_certificates": [_pem(c.der) for c in earlier]}
    return _VOUCHED[cache]


def _pem(der: bytes) -> str:
    return ("-----BEGIN CERTIFICATE-----\n" + "\n".join(
        base64.b64encode(der).decode("ascii")[i:i + 64] for i in range(0, len(base64.b64encode(der)), 64))
        + "\n-----END CERTIFICATE-----\n")


def admit(data_dir: Path, pc_id: str, card: dict[str, Any], *, record: bool = True) -> str | None:
    """None if this PC applies the bundles of the PC whose pc.json is ``card`` (and then, if ``record``,
    notes the PC's certificate as its and keeps the certificates it signed with before it joined, as
    vouched for by it); else why not, in words. ``record=False``: only look (reading ahead)."""
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

    from holbrook_desktop.core.attestation.school_root import SchoolRoot
    from holbrook_desktop.core.attestation.signing_key import issued_by
    from holbrook_desktop.core.dates import for_people

    school = SchoolRoot(data_dir)
    root = school.certificate()
    if root is None:
        return None
    join = "it is not one of the school's PCs: join it with a join file from HR ('holbrook school join')"
    if not card.get("certificate"):
        return join
    try:
        certificate = x509.load_pem_x509_certificate(str(card["certificate"]).encode("ascii"))
        signature = base64.b64decode(str(card.get("vouched", "")), validate=True)
        earlier = [x509.load_pem_x509_certificate(str(pem).encode("ascii"))
                   for pem in list(card.get("earlier_certificates") or [])]
    except (ValueError, UnicodeError, TypeError):
        return "its pc.json carries a certificate that cannot be read"
    if not issued_by(certificate, root):
        return f"its certificate was not issued by {school.school_name()}'s certificate: {join}"
    from cryptography.hazmat.primitives import serialization

    earlier_der = [c.public_bytes(serialization.Encoding.DER) for c in earlier]
    message = _message(pc_id, str(card.get("public_key")), [_fingerprint(der) for der in earlier_der])
    public_key = certificate.public_key()
    try:
        if isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey):
            public_key.verify(signature, message, ec.ECDSA(hashes.SHA256()))
        else:
            return "its certificate is of a kind that cannot vouch for a PC"
    except InvalidSignature:
        return "its sync key is not the one its certificate vouches for (changed, or copied from another PC)"
    der = certificate.public_bytes(serialization.Encoding.DER)
    revoked = school.revocation_of(der)
    if revoked is not None:
        return (f"the school revoked its certificate on {for_people(revoked.revoked_at)} "
                f"({revoked.reason_in_words}): its bundles are no longer applied")
    first = school.claim(_fingerprint(der), pc_id) if record else school.claimed_by(_fingerprint(der))
    if first is not None and first != pc_id:
        return (f"it uses the same certificate as PC {first[:8]}, seen first: one join file was used on two "
                "PCs, or a data folder was copied. Revoke that certificate and give each PC its own "
                "join file")
    if not record:
        return None
    pc_name = str(card.get("name") or pc_id[:8])
    for old in earlier_der:
        school.keep_earlier(old, pc_name=pc_name, vouched_by=der)
    return None


def _fingerprint(der: bytes) -> str:
    import hashlib

    return hashlib.sha256(der).hexdigest()
