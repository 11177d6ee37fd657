"""The school's signing key and its certificates on disk: create, import, retire, export, load for signing.

Layout under ``<data dir>/signing/`` (folder mode 0700)::

    school-key.pem            the current private key (PKCS#8), mode 0600
    current.json              {"fingerprint": ...}: which certificate goes with that key
    certificates/<fp>.pem     every certificate the school has signed with, current and retired
    chain/<fp>.pem            issuer certificates that came with an imported PKCS#12 (embedded in signatures)

The key signs unattended (no administrator is there to type a password), so on Linux and macOS it is
stored unencrypted and the file permissions are its protection: only the account that runs the app can
read it. On Windows it is additionally sealed with DPAPI for the local machine: every account on this PC
that runs the app can sign, but a copy of the file taken to another PC is useless.

A replaced key is retired: its private key file is overwritten and deleted, but its certificate stays in
``certificates/`` for ever, so attestations signed with it still verify.

cryptography and pyHanko are imported inside the functions that need them (start-up time).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from holbrook_desktop.core.dates import for_people
from holbrook_desktop.core.errors import Failure, HolbrookError, Refused
from holbrook_desktop.core.paths import check_output_target

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager

    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    # Wraps the swap of a new key: the audit row's write transaction (AttestationService), entered
    # with the new certificate; the swap happens inside it, so that a failure of either undoes both.
    Recorder = Callable[["SchoolCertificate"], AbstractContextManager[Any]]

KEY_FILE = "school-key.pem"
CURRENT_FILE = "current.json"
CERTIFICATES = "certificates"
CHAIN = "chain"
# The old key's second name while it is being replaced: the new key goes in under KEY_FILE first,
# and only then is the old one overwritten and deleted, so a crash never leaves the school without a key.
RETIRING_FILE = "school-key.retiring.pem"
# Held while the first key is made, so that two first signers at the same moment make one key.
LOCK_FILE = ".first-key.lock"
LOCK_WAIT_SECONDS = 120  # making an RSA key takes about a second; this is far beyond any real wait
# The new key, written whole beside the current one before anything is replaced: a full disk stops
# the replacement here, with the current key untouched.
PENDING_FILE = "school-key.pending.pem"

RSA_BITS = 3072  # Adobe Reader, poppler/NSS and Windows all accept RSA; 3072 bits is good beyond 2030
PLAIN_LABEL = "PRIVATE KEY"  # the ordinary PEM label of an unencrypted PKCS#8 key
_PEM = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)\s*-----END \1-----", re.DOTALL)


class SigningKeyError(HolbrookError):
    """Something is wrong with the school's signing key; str() is a message fit to show a person.
    Raised as one of the two kinds below."""


class SigningKeyRefused(SigningKeyError, Refused):
    """What was asked cannot be done as given: a file to import that will not do, a wrong password,
    a school name or length of validity missing or out of range. The message says what to change."""


class SigningKeyUnusable(SigningKeyError, Failure):
    """The school's key is missing, damaged, expired or cannot be read or written here: signing
    cannot go on until whoever looks after the app restores or replaces it."""


@dataclass(frozen=True)
class SchoolCertificate:
    fingerprint: str  # SHA-256 of the DER certificate, lowercase hex
    subject: str  # human readable: the common name, e.g. "Holbrook Primary School"
    not_before: datetime  # aware, UTC
    not_after: datetime  # aware, UTC
    path: Path  # its PEM file
    current: bool  # the one signing now
    der: bytes = field(repr=False)

    @property
    def short_fingerprint(self) -> str:
        return short_fingerprint(self.fingerprint)


def short_fingerprint(fingerprint: str) -> str:
    """Enough of a fingerprint for a person to compare by eye."""
    return fingerprint[:16]


# How the key bytes are kept --------------------------------------------------------------------------

class KeyProtection(Protocol):
    """Seals the private key's bytes before they are written and unseals them after reading. ``label`` is
    the PEM label written into the key file, so that the loader knows which protection was used."""

    label: str

    def protect(self, key_der: bytes) -> bytes: ...

    def unprotect(self, sealed: bytes) -> bytes: ...


class FilePermissionsOnly:
    """No sealing: a plain PKCS#8 key, protected by the folder (0700) and file (0600) permissions."""

    label = PLAIN_LABEL

    def protect(self, key_der: bytes) -> bytes:
        return key_der

    def unprotect(self, sealed: bytes) -> bytes:
        return sealed


class WindowsMachineProtection:
    """DPAPI with CRYPTPROTECT_LOCAL_MACHINE: any account on this PC can unseal, no other PC can."""

    label = "HOLBROOK DPAPI MACHINE KEY"

    def protect(self, key_der: bytes) -> bytes:
        return _dpapi(key_der, seal=True)

    def unprotect(self, sealed: bytes) -> bytes:
        return _dpapi(sealed, seal=False)


# Extra entropy mixed into the DPAPI seal: another program on the PC cannot unseal the key by accident.
_DPAPI_ENTROPY = b"Holbrook Staff Handbook: the school's signing key"
_CRYPTPROTECT_UI_FORBIDDEN = 0x01
_CRYPTPROTECT_LOCAL_MACHINE = 0x04


def _dpapi(data: bytes, *, seal: bool) -> bytes:
    """CryptProtectData / CryptUnprotectData through ctypes (Windows only)."""
    if sys.platform != "win32":
        raise OSError("Windows data protection (DPAPI) is only available on Windows")
    import ctypes
    from ctypes import wintypes

    class DataBlob(ctypes.Structure):
        _fields_ = [("cbData", wintypes.DWORD), ("pbData", ctypes.POINTER(ctypes.c_char))]

    def blob(raw: bytes) -> tuple[DataBlob, Any]:
        buffer = ctypes.create_string_buffer(raw, len(raw))
        return DataBlob(len(raw), ctypes.cast(buffer, ctypes.POINTER(ctypes.c_char))), buffer

    crypt32 = ctypes.WinDLL("crypt32", use_last_error=True)  # type: ignore[attr-defined]
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    pointer = ctypes.POINTER(DataBlob)
    argtypes = [pointer, wintypes.LPCWSTR, pointer, ctypes.c_void_p, ctypes.c_void_p, wintypes.DWORD, pointer]
    crypt32.CryptProtectData.argtypes = argtypes
    crypt32.CryptProtectData.restype = wintypes.BOOL
    crypt32.CryptUnprotectData.argtypes = [pointer, ctypes.c_void_p, *argtypes[2:]]
    crypt32.CryptUnprotectData.restype = wintypes.BOOL
    kernel32.LocalFree.argtypes = [ctypes.c_void_p]
    kernel32.LocalFree.restype = ctypes.c_void_p

    data_in, keep_data = blob(data)
    entropy, keep_entropy = blob(_DPAPI_ENTROPY)
    data_out = DataBlob()
    if seal:
        done = crypt32.CryptProtectData(ctypes.byref(data_in), "Holbrook school signing key",
                                        ctypes.byref(entropy), None, None,
                                        _CRYPTPROTECT_UI_FORBIDDEN | _CRYPTPROTECT_LOCAL_MACHINE,
                                        ctypes.byref(data_out))
    else:
        done = crypt32.CryptUnprotectData(ctypes.byref(data_in), None, ctypes.byref(entropy), None, None,
                                          _CRYPTPROTECT_UI_FORBIDDEN, ctypes.byref(data_out))
    del keep_data, keep_entropy
    if not done:
        raise ctypes.WinError(ctypes.get_last_error())  # type: ignore[attr-defined]
    try:
        return ctypes.string_at(data_out.pbData, data_out.cbData)
    finally:
        kernel32.LocalFree(ctypes.cast(data_out.pbData, ctypes.c_void_p))


def default_protection() -> KeyProtection:
    """DPAPI on Windows when it can be loaded, file permissions alone elsewhere."""
    if sys.platform == "win32":
        try:
            import ctypes

            ctypes.WinDLL("crypt32")  # type: ignore[attr-defined]
            return WindowsMachineProtection()
        except OSError:
            log.warning("DPAPI is not available: the signing key is protected by file permissions only")
    return FilePermissionsOnly()


# The key on disk -----------------------------------------------------------------------------------

class SchoolSigningKey:
    """The school's key and certificates under ``data_dir/signing``; see the module docstring."""

    FOLDER = "signing"

    def __init__(self, data_dir: Path, *, protection: KeyProtection | None = None) -> None:
        self.folder = Path(data_dir) / self.FOLDER
        self.protection = protection or default_protection()

    # -- paths
    @property
    def key_path(self) -> Path:
        return self.folder / KEY_FILE

    @property
    def certificates_folder(self) -> Path:
        return self.folder / CERTIFICATES

    def _certificate_path(self, fingerprint: str) -> Path:
        return self.certificates_folder / f"{fingerprint}.pem"

    # -- reading
    def exists(self) -> bool:
        """A current key and its certificate are present (not checked for damage: `signer` does that)."""
        fingerprint = self._pointer(quiet=True)
        if fingerprint is None:
            return False
        return self.key_path.is_file() and self._certificate_path(fingerprint).is_file()

    def current(self) -> SchoolCertificate | None:
        """The certificate of the key signing now, or None if there is no key yet."""
        fingerprint = self._current_fingerprint()
        if fingerprint is None:
            return None
        return self._describe(self._certificate_path(fingerprint), current=True)

    def certificates(self) -> list[SchoolCertificate]:
        """Every certificate the school has signed with: the current one first, then retired ones, newest
        first. Retired certificates are kept for ever so that old attestations still verify."""
        current = self._current_fingerprint()
        found = [self._describe(path, current=path.stem == current)
                 for path in sorted(self.certificates_folder.glob("*.pem"))]
        return sorted(found, key=lambda c: (not c.current, -c.not_before.timestamp(), c.fingerprint))

    def export_certificate(self, destination: Path, fingerprint: str | None = None) -> Path:
        """Write a certificate for auditors and HR to trust: PEM for ``.pem``, DER for ``.cer/.crt/.der``.
        ``fingerprint`` may be a unique prefix; without it the current certificate is exported.
        OutputInsideDataFolder if ``destination`` is in the data folder."""
        destination = check_output_target(destination, self.folder.parent)  # never over the key itself
        certificate = self._find(fingerprint)
        suffix = destination.suffix.lower()
        if suffix == ".pem":
            data = _pem_armour("CERTIFICATE", certificate.der)
        elif suffix in (".cer", ".crt", ".der"):
            data = certificate.der
        else:
            raise SigningKeyRefused(f"Cannot export to {destination}: the file name should end in .pem, "
                                    f".cer, .crt or .der.")
        try:
            destination.write_bytes(data)
        except OSError as exc:
            why = exc.strerror or exc
            raise SigningKeyUnusable(f"Could not write the certificate to {destination}: {why}") from exc
        return destination

    def signer(self):
        """A pyHanko ``SimpleSigner`` for the current key. Loaded once per key file and kept: loading an RSA
        key makes cryptography check it, which takes about 0.1 s for 3072 bits."""
        stamp = self._stamp()
        if stamp is None:
            raise SigningKeyUnusable(f"The school has no signing key yet ({self.key_path} is missing). "
                                     f"Create one or import one first.")
        cache_key = f"{self.key_path.resolve()}|{self.protection.label}"
        with _SIGNERS_LOCK:
            cached = _SIGNERS.get(cache_key)
            if cached is not None and cached[0] == stamp:
                return cached[1]
        private_key, certificate = self._load_pair()
        signer = _make_signer(private_key, certificate, self._chain())
        with _SIGNERS_LOCK:
            _SIGNERS[cache_key] = (self._stamp(), signer)
        return signer

    # -- making and replacing
    def create(self, school_name: str, *, years: int = 10, now: datetime | None = None,
               record: Recorder | None = None) -> SchoolCertificate:
        """Make a new self-signed key for the school, valid for ``years`` from now. An existing key is
        retired (see the module docstring); a damaged one is left alone and reported instead.
        ``record``: the audit of the change, around the swap (see `_install`)."""
        from cryptography.hazmat.primitives.asymmetric import rsa

        from holbrook_desktop.core.limits import TextTooLong, check_length

        name = " ".join((school_name or "").split())
        if not name:
            raise SigningKeyRefused("The school's name is needed to make a signing key.")
        try:
            check_length("school_name", name)
        except TextTooLong as exc:
            raise SigningKeyRefused(str(exc)) from exc
        if not 1 <= years <= 30:
            raise SigningKeyRefused(f"A signing key can be made for 1 to 30 years, not {years}.")
        start = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        self._check_replaceable()
        private_key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        certificate = _self_signed_certificate(private_key, name, start, _add_years(start, years))
        installed = self._install(private_key, certificate, chain=[], record=record)
        log.info("created signing key %s for %s", installed.fingerprint, name)
        return installed

    def create_first(self, school_name: str, *, record: Recorder | None = None
                     ) -> tuple[SchoolCertificate, bool]:
        """The school's key for signing now, made if there is none yet: (its certificate, whether this
        call made it). Two windows or processes signing the school's first acknowledgement at the same
        moment end with one key: it is made under a lock in the signing folder, and whoever gets the
        lock second finds the first one's key and uses it."""
        self._prepare_folders()
        with _exclusive_lock(self.folder / LOCK_FILE):
            current = self.current()
            if current is not None:
                return current, False
            return self.create(school_name, record=record), True

    def import_pkcs12(self, p12_path: Path, password: str | None, *,
                      record: Recorder | None = None) -> SchoolCertificate:
        """Use the key and certificate from a PKCS#12 (.p12/.pfx) file, e.g. one issued by a certificate
        authority. An existing key is retired, as with `create` (and ``record`` is as there)."""
        from cryptography.hazmat.primitives.asymmetric import ec, rsa

        p12_path = Path(p12_path)
        try:
            data = p12_path.read_bytes()
        except OSError as exc:
            raise SigningKeyRefused(f"Could not read {p12_path}: {exc.strerror or exc}") from exc
        private_key, certificate, extra = _open_pkcs12(data, password, p12_path)
        if private_key is None:
            raise SigningKeyRefused(f"{p12_path} holds no private key, only certificates.")
        if certificate is None:  # cryptography files certificates that don't match the key as "additional"
            if extra:
                raise SigningKeyRefused(f"In {p12_path} the private key does not belong to any of the "
                                        f"certificates.")
            raise SigningKeyRefused(f"{p12_path} holds a private key but no certificate for it.")
        if not isinstance(private_key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
            raise SigningKeyRefused(f"The key in {p12_path} is of a kind PDF readers do not all accept "
                                    f"(RSA or elliptic-curve keys are needed).")
        if isinstance(private_key, rsa.RSAPrivateKey) and private_key.key_size < 2048:
            raise SigningKeyRefused(f"The RSA key in {p12_path} is too short ({private_key.key_size} bits; "
                                    f"at least 2048 are needed).")
        if _public_der(private_key.public_key()) != _public_der(certificate.public_key()):
            raise SigningKeyRefused(f"In {p12_path} the private key does not belong to the certificate.")
        now = datetime.now(UTC)
        if certificate.not_valid_after_utc <= now:
            raise SigningKeyRefused(f"The certificate in {p12_path} expired on "
                                    f"{for_people(certificate.not_valid_after_utc)}.")
        if certificate.not_valid_before_utc > now + timedelta(days=1):
            raise SigningKeyRefused(f"The certificate in {p12_path} is not valid until "
                                    f"{for_people(certificate.not_valid_before_utc)}.")
        if not _may_sign_documents(certificate):
            raise SigningKeyRefused(f"The certificate in {p12_path} is not allowed to sign documents "
                                    f"(its key usage leaves out digital signatures).")
        self._check_replaceable()
        installed = self._install(private_key, certificate, chain=[c for c in extra if c != certificate],
                                  record=record)
        log.info("imported signing key %s from %s", installed.fingerprint, p12_path)
        return installed

    def public_key(self):
        """The current key's public half (for the school's certificate to vouch for it)."""
        self._load_pair()
        return self._read_private_key().public_key()

    def sign_bytes(self, data: bytes) -> bytes:
        """``data`` signed with the current key (SHA-256; PKCS#1 v1.5 for RSA, ECDSA otherwise): how this
        PC vouches for its sync key in the sync folder (core/sync/membership.py)."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

        private_key, _certificate = self._load_pair()
        if isinstance(private_key, rsa.RSAPrivateKey):
            return private_key.sign(data, padding.PKCS1v15(), hashes.SHA256())
        if isinstance(private_key, ec.EllipticCurvePrivateKey):
            return private_key.sign(data, ec.ECDSA(hashes.SHA256()))
        raise SigningKeyUnusable(f"The signing key {self.key_path} is of a kind that cannot vouch for "
                                 "this PC.")

    def install_issued(self, certificate: x509.Certificate, chain: list[x509.Certificate], *,
                       private_key: PrivateKeyTypes | None = None, record: Recorder | None = None
                       ) -> SchoolCertificate:
        """Sign from now on with ``certificate``, issued by the school's certificate (the last of
        ``chain``): for the current key when ``private_key`` is None (the PC that made the school's
        identity), else for a new key (a PC joining with a join file). The earlier certificate is
        kept, so attestations signed with it still verify here."""
        if private_key is None:
            self._check_replaceable()
            private_key = self._read_private_key()
        if _public_der(private_key.public_key()) != _public_der(certificate.public_key()):
            raise SigningKeyRefused("The certificate is not for this key.")
        if not any(issued_by(certificate, issuer) for issuer in chain):
            raise SigningKeyRefused("The certificate was not issued by the school's certificate.")
        self._check_replaceable()
        return self._install(private_key, certificate, chain=chain, record=record)

    # -- internals: reading
    def _pointer(self, *, quiet: bool = False) -> str | None:
        """The fingerprint named in current.json; None if the file is missing (or damaged, when quiet)."""
        path = self.folder / CURRENT_FILE
        try:
            fingerprint = json.loads(path.read_text(encoding="utf-8"))["fingerprint"]
        except FileNotFoundError:
            return None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            if quiet:
                return None
            raise SigningKeyUnusable(f"{path} is damaged: it should name the current certificate.") from exc
        if not isinstance(fingerprint, str) or not re.fullmatch(r"[0-9a-f]{64}", fingerprint):
            if quiet:
                return None
            raise SigningKeyUnusable(f"{path} is damaged: it should name the current certificate.")
        return fingerprint

    def _current_fingerprint(self) -> str | None:
        """The current certificate's fingerprint (None when there is no key), repairing current.json
        when it is missing or stale, e.g. after a power cut in the middle of replacing the key."""
        if not self.key_path.exists():
            return None
        fingerprint = self._pointer(quiet=True)
        if fingerprint is not None and self._certificate_path(fingerprint).is_file():
            return fingerprint
        _, certificate = self._load_pair()
        return _fingerprint(_der(certificate))

    def _describe(self, path: Path, *, current: bool) -> SchoolCertificate:
        certificate = self._read_certificate(path)
        der = _der(certificate)
        return SchoolCertificate(fingerprint=_fingerprint(der), subject=_subject(certificate),
                                 not_before=certificate.not_valid_before_utc,
                                 not_after=certificate.not_valid_after_utc, path=path, current=current,
                                 der=der)

    def _find(self, fingerprint: str | None) -> SchoolCertificate:
        if fingerprint is None:
            current = self.current()
            if current is None:
                raise SigningKeyUnusable("The school has no signing key yet, so there is no certificate "
                                         "to export.")
            return current
        wanted = fingerprint.lower().replace(":", "").replace(" ", "")
        matches = [c for c in self.certificates() if c.fingerprint.startswith(wanted)] if wanted else []
        if len(matches) != 1:
            why = "no" if not matches else "more than one"
            raise SigningKeyRefused(f"There is {why} school certificate with fingerprint {fingerprint} in "
                                    f"{self.certificates_folder}.")
        return matches[0]

    @staticmethod
    def _read_certificate(path: Path) -> x509.Certificate:
        from cryptography import x509

        try:
            data = path.read_bytes()
        except OSError as exc:
            raise SigningKeyUnusable(f"Could not read the certificate {path}: {exc.strerror or exc}") from exc
        try:
            return x509.load_pem_x509_certificate(data)
        except ValueError as exc:
            raise SigningKeyUnusable(f"The certificate {path} is damaged and cannot be read.") from exc

    def _read_private_key(self) -> PrivateKeyTypes:
        from cryptography.hazmat.primitives import serialization

        path = self.key_path
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise SigningKeyUnusable(f"The school has no signing key yet ({path} is missing).") from exc
        except OSError as exc:
            raise SigningKeyUnusable(f"Could not read the signing key {path}: {exc.strerror or exc}") from exc
        found = _PEM.search(data)
        if found is None:
            raise SigningKeyUnusable(f"The signing key {path} is damaged and cannot be read.")
        label = found.group(1).decode("ascii")
        try:
            body = base64.b64decode(b"".join(found.group(2).split()), validate=True)
        except ValueError as exc:
            raise SigningKeyUnusable(f"The signing key {path} is damaged and cannot be read.") from exc
        if label == self.protection.label:
            protection: KeyProtection = self.protection
        elif label == PLAIN_LABEL:
            protection = FilePermissionsOnly()  # e.g. written before DPAPI was used, or moved from a Mac
        else:
            raise SigningKeyUnusable(f"The signing key {path} was sealed in a way this computer cannot undo "
                                     f"({label.title()}); it was probably copied from another PC.")
        try:
            key_der = protection.unprotect(body)
        except OSError as exc:
            raise SigningKeyUnusable(f"The signing key {path} could not be unsealed: it was probably copied "
                                     f"from another PC ({exc}).") from exc
        try:
            return serialization.load_der_private_key(key_der, password=None)
        except (ValueError, TypeError) as exc:
            raise SigningKeyUnusable(f"The signing key {path} is damaged and cannot be read.") from exc

    def _load_pair(self) -> tuple[PrivateKeyTypes, x509.Certificate]:
        """The private key and its certificate, checked to belong together."""
        private_key = self._read_private_key()
        public = _public_der(private_key.public_key())
        fingerprint = self._pointer(quiet=True)
        if fingerprint is not None and self._certificate_path(fingerprint).is_file():
            certificate = self._read_certificate(self._certificate_path(fingerprint))
            if _public_der(certificate.public_key()) == public:
                return private_key, certificate
        for path in sorted(self.certificates_folder.glob("*.pem")):
            certificate = self._read_certificate(path)
            if _public_der(certificate.public_key()) == public:
                log.warning("current.json did not name the certificate of %s; repaired it", self.key_path)
                self._write_pointer(path.stem)
                return private_key, certificate
        raise SigningKeyUnusable(f"The signing key {self.key_path} has no certificate in "
                                 f"{self.certificates_folder}. Restore the folder from a backup, or move the "
                                 f"key file away and create a new key.")

    def _chain(self) -> list[x509.Certificate]:
        return [self._read_certificate(path) for path in sorted((self.folder / CHAIN).glob("*.pem"))]

    def _stamp(self) -> tuple | None:
        """Changes whenever the key or current.json is replaced; None if there is no key file."""
        try:
            key = self.key_path.stat()
        except FileNotFoundError:
            return None
        try:
            pointer = (self.folder / CURRENT_FILE).stat()
            pointer_stamp: tuple = (pointer.st_mtime_ns, pointer.st_size, pointer.st_ino)
        except FileNotFoundError:
            pointer_stamp = ()
        return (key.st_mtime_ns, key.st_size, key.st_ino, *pointer_stamp)

    # -- internals: writing
    def _check_replaceable(self) -> None:
        """Refuse to replace a key that cannot be read: it may be restorable, and a new key must never be
        made over it without a person deciding so."""
        if self.key_path.exists() or self.key_path.is_symlink():
            self._load_pair()

    def _install(self, private_key: PrivateKeyTypes, certificate: x509.Certificate,
                 chain: list[x509.Certificate], record: Recorder | None = None) -> SchoolCertificate:
        """Put a new key in place, all or nothing. Its files are written first, the key beside the
        current one; then, inside ``record`` (the audit row's write transaction, when given), the
        current key is kept under a second name and the new one swapped in; only once that has
        committed is the old key wiped. Any failure puts everything back as it was: the school never
        signs with a key whose change is not in the audit log, and keeps signing with the current
        one. SigningKeyError says which step failed."""
        from cryptography.hazmat.primitives import serialization

        replacing = self.key_path.exists()
        unchanged = ("The school still signs with its current key; nothing was changed." if replacing
                     else "No key was made; nothing was changed.")
        fingerprint = _fingerprint(_der(certificate))
        pending = _PendingKey(self)
        try:
            self._prepare_folders()
            _wipe_leftovers(self.folder, keep=self.key_path)
            for other in chain:
                other_der = _der(other)
                pending.write_new(self.folder / CHAIN / f"{_fingerprint(other_der)}.pem",
                                  _pem_armour("CERTIFICATE", other_der), 0o644)
            pending.write_new(self._certificate_path(fingerprint),
                              _pem_armour("CERTIFICATE", _der(certificate)), 0o644)
            key_der = private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                                serialization.NoEncryption())
            sealed = _pem_armour(self.protection.label, self.protection.protect(key_der))
            pending.write_new(self.folder / PENDING_FILE, sealed, 0o600)
            described: SchoolCertificate = self._describe(self._certificate_path(fingerprint), current=True)
        except SigningKeyError as exc:
            pending.undo()
            raise SigningKeyUnusable(f"The new signing key could not be saved: {exc} {unchanged}") from exc
        except BaseException:
            pending.undo()
            raise
        try:
            with record(described) if record is not None else contextlib.nullcontext():
                pending.swap(fingerprint)
        except SigningKeyError as exc:
            pending.undo()
            raise SigningKeyUnusable(f"The new signing key could not be put in place: {exc} "
                                  f"{unchanged}") from exc
        except Exception as exc:
            undone = pending.undo()
            if not undone:
                raise SigningKeyUnusable(f"The new signing key is in place, but its audit record could not "
                                      f"be written ({exc}), and the old key could not be put back. Restore "
                                      f"the folder {self.folder} from a backup.") from exc
            raise SigningKeyUnusable(f"The new signing key was not put in place, because its audit record "
                                  f"could not be written: {exc} {unchanged}") from exc
        except BaseException:
            pending.undo()
            raise
        pending.finish()
        return described

    def _prepare_folders(self) -> None:
        for folder in (self.folder, self.certificates_folder):
            try:
                folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                if os.name == "posix" and (folder.stat().st_mode & 0o777) != 0o700:
                    os.chmod(folder, 0o700)  # mkdir's mode is narrowed by the umask, not widened
            except OSError as exc:
                why = exc.strerror or exc
                raise SigningKeyUnusable(f"Could not prepare the folder {folder}: {why}") from exc
        (self.folder / CHAIN).mkdir(mode=0o700, exist_ok=True)

    def _write_pointer(self, fingerprint: str) -> None:
        since = datetime.now(UTC).isoformat(timespec="seconds")
        text = json.dumps({"fingerprint": fingerprint, "since": since}, indent=2)
        _write_atomically(self.folder / CURRENT_FILE, text.encode("utf-8") + b"\n", 0o644)


class _PendingKey:
    """A key replacement under way: what it has written, so that it can be undone to the letter."""

    def __init__(self, key: SchoolSigningKey) -> None:
        self.key = key
        self.written: list[Path] = []  # files that did not exist before (never an earlier certificate)
        self.old_pointer: bytes | None = None
        self.swapped = False
        self.kept_old = False

    @property
    def retiring(self) -> Path:
        return self.key.folder / RETIRING_FILE

    def write_new(self, path: Path, data: bytes, mode: int) -> None:
        if path.exists():
            return  # the same certificate again (re-importing it), or an issuer already kept
        _write_atomically(path, data, mode)
        self.written.append(path)

    def swap(self, fingerprint: str) -> None:
        """The current key kept under a second name (a hard link, else a copy), the new one renamed
        over it, the pointer changed. SigningKeyError, with the current key in place, if not."""
        key_path, pointer = self.key.key_path, self.key.folder / CURRENT_FILE
        with contextlib.suppress(FileNotFoundError):
            self.old_pointer = pointer.read_bytes()
        if key_path.exists():
            try:
                os.link(key_path, self.retiring)
            except OSError:  # no hard links on this file system: a copy, which needs room on the disk
                _write_atomically(self.retiring, key_path.read_bytes(), 0o600)
            self.kept_old = True
        try:
            os.replace(self.key.folder / PENDING_FILE, key_path)
        except OSError as exc:
            raise SigningKeyUnusable(f"Could not replace {key_path}: {exc.strerror or exc}") from exc
        self.swapped = True
        _sync_folder(self.key.folder)
        self.key._write_pointer(fingerprint)

    def undo(self) -> bool:
        """Everything as it was before; False if the old key could not be put back."""
        restored = True
        key_path, pointer = self.key.key_path, self.key.folder / CURRENT_FILE
        try:
            if self.swapped:
                if self.kept_old:
                    os.replace(self.retiring, key_path)
                else:
                    _wipe(key_path)  # there was no key before this one
                if self.old_pointer is not None:
                    _write_atomically(pointer, self.old_pointer, 0o644)
                else:
                    pointer.unlink(missing_ok=True)
        except (OSError, SigningKeyError) as exc:
            log.error("could not put the signing key back as it was: %s", exc)
            restored = False
        if restored and not self.swapped and self.kept_old:
            with contextlib.suppress(OSError):
                self.retiring.unlink()  # a second name for the key still current
        _wipe(self.key.folder / PENDING_FILE)
        if restored:
            for path in self.written:
                with contextlib.suppress(OSError):
                    path.unlink()  # a certificate never used must not be trusted as the school's
        return restored

    def finish(self) -> None:
        if self.kept_old:
            _wipe(self.retiring)


# Loaded signers, shared by every SchoolSigningKey object (the façade makes a new one per call).
_SIGNERS: dict[str, tuple[tuple | None, Any]] = {}
_SIGNERS_LOCK = threading.Lock()


def _make_signer(private_key: PrivateKeyTypes, certificate: x509.Certificate, chain: list[x509.Certificate]):
    from pyhanko.keys.internal import (
        translate_pyca_cryptography_cert_to_asn1,
        translate_pyca_cryptography_key_to_asn1,
    )
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    # The signer's own certificate is always embedded; the registry holds only the issuers that come with
    # an imported key (given the signer's certificate too, pyHanko would embed a self-signed one twice).
    issuers = [translate_pyca_cryptography_cert_to_asn1(c) for c in vouched_issuers(certificate, chain)]
    return _signer_class()(
        signing_cert=translate_pyca_cryptography_cert_to_asn1(certificate),
        signing_key=translate_pyca_cryptography_key_to_asn1(private_key),
        cert_registry=SimpleCertificateStore.from_certs(issuers),
        private_key=private_key,
    )


def vouched_issuers(certificate: x509.Certificate, chain: list[x509.Certificate]) -> list[x509.Certificate]:
    """The certificates of ``chain`` that can be checked from inside a signature: each one's own signature
    verifies under another of them (or itself, for a root). Nothing in a signature container protects the
    extra certificates in it, so the verifier insists on this, and the signer embeds no others."""
    others = [c for c in chain if c != certificate]
    kept = [c for c in others if any(issued_by(c, issuer) for issuer in others)]
    if len(kept) < len(others):
        log.warning("%d issuer certificate(s) of the signing key are not embedded in signatures: their own "
                    "issuer is missing from the PKCS#12 file", len(others) - len(kept))
    return kept


def issued_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer`` signed ``certificate`` (names and signature both match)."""
    from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm

    try:
        certificate.verify_directly_issued_by(issuer)
        return True
    except (InvalidSignature, UnsupportedAlgorithm, ValueError, TypeError):  # TypeError: a kind of key
        return False


_SIGNER_CLASS: type | None = None


def _signer_class() -> type:
    """SimpleSigner that keeps the loaded key: pyHanko's own loads it again for every signature (twice per
    PDF, counting the size estimate), which for RSA-3072 costs about 0.1 s each time."""
    global _SIGNER_CLASS
    if _SIGNER_CLASS is None:
        from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
        from pyhanko.sign.general import get_pyca_cryptography_hash
        from pyhanko.sign.signers import SimpleSigner

        class SchoolSigner(SimpleSigner):
            def __init__(self, *, private_key: PrivateKeyTypes, **kwargs: Any) -> None:
                super().__init__(**kwargs)
                self._private_key = private_key

            def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
                try:
                    mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
                except ValueError:
                    mechanism = None
                key = self._private_key
                if mechanism == "rsassa_pkcs1v15" and isinstance(key, rsa.RSAPrivateKey):
                    return key.sign(data, padding.PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
                if mechanism == "ecdsa" and isinstance(key, ec.EllipticCurvePrivateKey):
                    return key.sign(data, ec.ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
                return super().sign_raw(data, digest_algorithm)  # anything rarer: pyHanko's own way

        _SIGNER_CLASS = SchoolSigner
    return _SIGNER_CLASS


# Certificates ----------------------------------------------------------------------------------------

def _self_signed_certificate(private_key, school: str, not_before: datetime, not_after: datetime):
    """The school's own certificate. It is a self-signed CA (path length 0, keyCertSign) with no extended
    key usage, because that is the only shape poppler/NSS (``pdfsig``) reports as "Certificate is Trusted"
    once an auditor adds it to their NSS database as a trusted CA: NSS rejects a self-signed end-entity
    certificate as a trust anchor ("Unknown issue", even with peer trust), and rejects any CA certificate
    carrying an extended key usage for document signing. pyHanko accepts this shape as a trust root, and
    Adobe Reader needs only digitalSignature or nonRepudiation, which are present."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, school[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, school[:64])])
    public_key = private_key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public_key), critical=False)
    )
    return builder.sign(private_key, hashes.SHA256())


def _may_sign_documents(certificate) -> bool:
    from cryptography import x509

    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return True
    return usage.digital_signature or usage.content_commitment


def _subject(certificate) -> str:
    from cryptography.x509.oid import NameOID

    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if names:
        return str(names[0].value)
    return certificate.subject.rfc4514_string() or "(no name)"


def _der(certificate) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return certificate.public_bytes(serialization.Encoding.DER)


def _public_der(public_key) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return public_key.public_bytes(serialization.Encoding.DER,
                                   serialization.PublicFormat.SubjectPublicKeyInfo)


def _fingerprint(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def _open_pkcs12(data: bytes, password: str | None, path: Path) -> tuple:
    from cryptography.hazmat.primitives.serialization import pkcs12

    # No password may mean none at all or an empty one: tools differ, so try both.
    attempts = [password.encode("utf-8")] if password else [None, b""]
    for number, secret in enumerate(attempts, start=1):
        try:
            return pkcs12.load_key_and_certificates(data, secret)
        except ValueError as exc:
            if number < len(attempts):
                continue
            if _looks_like_pkcs12(data):
                raise SigningKeyRefused(f"Could not open {path}: the password is wrong.") from exc
            raise SigningKeyRefused(f"{path} is not a PKCS#12 (.p12 or .pfx) key file.") from exc
    raise AssertionError("unreachable")


def _looks_like_pkcs12(data: bytes) -> bool:
    """Whether the bytes are a PKCS#12 structure, so a failure to open it means a wrong password."""
    from asn1crypto import pkcs12

    try:
        pfx = pkcs12.Pfx.load(data, strict=True)
        return pfx['auth_safe']['content_type'].native in ('data', 'signed_data')
    except (ValueError, TypeError, KeyError):
        return False


def _add_years(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year + years, day=28)


def _pem_armour(label: str, der: bytes) -> bytes:
    body = base64.b64encode(der)
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return b"".join([f"-----BEGIN {label}-----\n".encode(), *(line + b"\n" for line in lines),
                     f"-----END {label}-----\n".encode()])


# Files -----------------------------------------------------------------------------------------------

@contextlib.contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    """An exclusive lock on the file `path` (made if need be) until the block ends. The operating
    system drops it if the process dies, so a crash never leaves a stale lock behind."""
    try:
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise SigningKeyUnusable(f"Could not open {path}: {exc.strerror or exc}") from exc
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    try:
        while not _try_lock(descriptor):
            if time.monotonic() > deadline:
                raise SigningKeyUnusable(f"The signing key is still being made by another window ({path} "
                                      "stayed locked). Try again in a moment.")
            time.sleep(0.05)
        try:
            yield
        finally:
            _unlock(descriptor)
    finally:
        os.close(descriptor)


def _try_lock(descriptor: int) -> bool:
    if os.name == "nt":
        import msvcrt

        os.lseek(descriptor, 0, os.SEEK_SET)
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)  # type: ignore[attr-defined]
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _unlock(descriptor: int) -> None:
    with contextlib.suppress(OSError):
        if os.name == "nt":
            import msvcrt

            os.lseek(descriptor, 0, os.SEEK_SET)
            msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        else:
            import fcntl

            fcntl.flock(descriptor, fcntl.LOCK_UN)


def _write_atomically(path: Path, data: bytes, mode: int) -> None:
    """Write to a temporary file in the same folder (created with ``mode`` from the start, so a key is
    never readable by others even for a moment), flush it to disk, then rename it over ``path``."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
        descriptor = os.open(temporary, flags, mode)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if os.name == "posix":
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise SigningKeyUnusable(f"Could not write {path}: {exc.strerror or exc}") from exc
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX only; Windows has no directory handles for this)."""
    if os.name != "posix":
        return
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _overwrite(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b", buffering=0) as handle:
        handle.write(secrets.token_bytes(size))
        os.fsync(handle.fileno())


def _wipe(path: Path) -> None:
    """Overwrite a retired key file with random bytes, then delete it. Not a guarantee on SSDs or
    copy-on-write file systems, but it keeps the key out of undelete tools and casual recovery."""
    try:
        _overwrite(path)
        path.unlink()
    except FileNotFoundError:
        return
    except OSError as exc:
        log.warning("could not wipe the retired key %s: %s", path, exc)
        with contextlib.suppress(OSError):
            path.unlink()


def _wipe_leftovers(folder: Path, *, keep: Path) -> None:
    """Remove key copies a crash may have left behind: a retiring key, unfinished temporary files."""
    candidates = [folder / RETIRING_FILE, folder / PENDING_FILE, *folder.glob(f".{KEY_FILE}.*.tmp"),
                  *folder.glob(f".{PENDING_FILE}.*.tmp")]
    for path in candidates:
        if not path.exists():
            continue
        try:
            same = keep.exists() and os.path.samefile(path, keep)
        except OSError:
            same = False
        if same:  # a second name for the live key: drop the name, never overwrite the key itself
            with contextlib.suppress(OSError):
                path.unlink()
        else:
            _wipe(path)
