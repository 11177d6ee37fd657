"""One school identity: the school's own certificate (a small certificate authority) that vouches for
each PC's signing key, and the list of PC certificates it has revoked.

Layout under ``<data dir>/signing/school/``::

    school-certificate.pem   the school's certificate: the trust anchor on every PC of the school
    school-key.pem           its private key, sealed with the administrator password: on HR's PC only
    revoked.crl              the revocation list, signed by the school's key (travels by the sync folder)
    issued/<fp>.pem          each PC certificate issued here, with issued/<fp>.json (PC name, date)
    earlier/<fp>.pem         a certificate another PC signed with before it joined, with earlier/<fp>.json
                             (the PC's name, and the school-issued certificate that vouched for it)

Why a certificate authority and not one key copied to every PC: a key that signs unattended must sit
unsealed on each PC, so a lost laptop would be a lost school key. With a key per PC, a lost PC's
certificate is revoked and the rest go on. Attestations carry the PC's certificate and the school's,
so they verify on every PC of the school and, for outsiders, in any reader that trusts the school's
certificate (pdfsig, Adobe Reader).

The school's key signs only two things: PC certificates (when a PC joins) and the revocation list.
Both need the administrator password, typed at that moment; it is never stored.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from holbrook_desktop.core.dates import for_people
from holbrook_desktop.core.errors import Failure, Refused
from holbrook_desktop.core.files import write_new, write_whole

if TYPE_CHECKING:
    from cryptography import x509
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

log = logging.getLogger(__name__)

FOLDER = "school"  # inside the signing folder
CERTIFICATE_FILE = "school-certificate.pem"
KEY_FILE = "school-key.pem"
CRL_FILE = "revoked.crl"
KEY_FILE_FORMAT = "holbrook-school-key/1"
ISSUED = "issued"
EARLIER = "earlier"  # certificates other PCs signed with before they joined, as those PCs vouch
ROOT_YEARS = 30  # outlives every PC certificate it issues: a chain must not expire before its leaf
PC_YEARS = 10
RSA_BITS = 3072
MARK = "Holbrook Staff Handbook"  # the organisational unit of the certificates this app makes
REVOCATION_REASONS = {"lost": "the PC was lost or stolen", "retired": "the PC is no longer used",
                      "compromised": "its key may have been copied"}


class SchoolIdentityRefused(Refused):
    """What was asked cannot be done as given (wrong password, no school certificate here yet, a PC
    already in another school); the message says what to do."""


class SchoolIdentityUnusable(Failure):
    """The school's certificate or key on this PC is damaged or cannot be written."""


@dataclass(frozen=True)
class Revocation:
    serial: int
    revoked_at: datetime  # aware, UTC
    reason: str  # a key of REVOCATION_REASONS
    fingerprint: str | None  # the certificate's, when this PC issued it (else only the serial is known)
    pc_name: str | None

    @property
    def reason_in_words(self) -> str:
        return REVOCATION_REASONS.get(self.reason, self.reason)

    @property
    def in_words(self) -> str:
        who = f"PC {self.pc_name!r}" if self.pc_name else f"certificate serial {self.serial:x}"
        return f"{who}: revoked on {for_people(self.revoked_at)} ({self.reason_in_words})"


@dataclass(frozen=True)
class IssuedCertificate:
    fingerprint: str
    serial: int
    pc_name: str
    issued_at: str
    not_after: str
    revoked: Revocation | None


class SchoolRoot:
    """The school's certificate on this PC (every PC of a school), and its key (HR's PC only)."""

    def __init__(self, data_dir: Path) -> None:
        self.folder = Path(data_dir) / "signing" / FOLDER

    # -- what this PC has
    @property
    def certificate_path(self) -> Path:
        return self.folder / CERTIFICATE_FILE

    @property
    def key_path(self) -> Path:
        return self.folder / KEY_FILE

    @property
    def crl_path(self) -> Path:
        return self.folder / CRL_FILE

    def exists(self) -> bool:
        return self.certificate_path.is_file()

    def holds_key(self) -> bool:
        return self.key_path.is_file()

    def certificate(self) -> x509.Certificate | None:
        from cryptography import x509

        try:
            data = self.certificate_path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SchoolIdentityUnusable(f"The school's certificate {self.certificate_path} cannot be read: "
                                         f"{exc.strerror or exc}") from exc
        try:
            return x509.load_pem_x509_certificate(data)
        except ValueError as exc:
            raise SchoolIdentityUnusable(f"The school's certificate {self.certificate_path} is damaged. "
                                         "Restore the data folder from a backup, or join the school "
                                         "again with a new join file.") from exc

    def certificate_der(self) -> bytes | None:
        from cryptography.hazmat.primitives import serialization

        certificate = self.certificate()
        return certificate.public_bytes(serialization.Encoding.DER) if certificate is not None else None

    def fingerprint(self) -> str | None:
        import hashlib

        der = self.certificate_der()
        return hashlib.sha256(der).hexdigest() if der is not None else None

    def school_name(self) -> str | None:
        certificate = self.certificate()
        return _organisation(certificate) if certificate is not None else None

    # -- making the school's identity (HR's PC)
    def create(self, school_name: str, password: str, *, now: datetime | None = None) -> x509.Certificate:
        """The school's certificate and key, the key sealed with ``password``. Refused if this PC
        already has one (or belongs to a school through a join file)."""
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        if self.exists():
            raise SchoolIdentityRefused(f"This PC already has the school's certificate "
                                        f"({self.certificate_path}): the school has one identity, made once.")
        if not password:
            raise SchoolIdentityRefused("The school's key is sealed with the administrator password: "
                                        "set one first ('holbrook admin password set').")
        start = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        key = rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
        certificate = _root_certificate(key, school_name, start, start.replace(year=start.year + ROOT_YEARS))
        sealed = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                   serialization.BestAvailableEncryption(password.encode("utf-8")))
        self._prepare()
        try:
            write_new(self.key_path, sealed)
            write_new(self.certificate_path, certificate.public_bytes(serialization.Encoding.PEM))
        except OSError as exc:
            for path in (self.key_path, self.certificate_path):
                with contextlib.suppress(OSError):
                    path.unlink()
            raise SchoolIdentityUnusable(f"The school's certificate could not be saved in {self.folder}: "
                                         f"{exc.strerror or exc}. Nothing was changed.") from exc
        self._write_crl(key, certificate, [], number=1, now=start)
        return certificate

    def trust(self, certificate: x509.Certificate) -> None:
        """Make ``certificate`` this PC's school certificate (joining). Refused if this PC already
        trusts another school's certificate or holds a school key of its own."""
        from cryptography.hazmat.primitives import serialization

        current = self.certificate()
        if current is not None:
            if current == certificate:
                return
            raise SchoolIdentityRefused(
                f"This PC already belongs to {self.school_name()} (school certificate "
                f"{(self.fingerprint() or '')[:16]}); a join file of another school certificate cannot "
                "be used here.")
        self._prepare()
        try:
            write_new(self.certificate_path, certificate.public_bytes(serialization.Encoding.PEM))
        except OSError as exc:
            raise SchoolIdentityUnusable(f"The school's certificate could not be saved in {self.folder}: "
                                         f"{exc.strerror or exc}.") from exc

    def forget(self) -> None:
        """Undo `trust` (a join that failed after it)."""
        if not self.holds_key():
            with contextlib.suppress(OSError):
                self.certificate_path.unlink()

    # -- the key (HR's PC, with the password)
    def open_key(self, password: str) -> RSAPrivateKey:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import rsa

        if not self.holds_key():
            where = "another PC (HR's)" if self.exists() else "no PC yet ('holbrook school create' makes it)"
            raise SchoolIdentityRefused(f"The school's key is not on this PC: it is on {where}. Issue "
                                        "join files and revoke PCs there.")
        try:
            data = self.key_path.read_bytes()
        except OSError as exc:
            raise SchoolIdentityUnusable(f"The school's key {self.key_path} cannot be read: "
                                         f"{exc.strerror or exc}") from exc
        try:
            key = serialization.load_pem_private_key(data, password=password.encode("utf-8"))
        except (ValueError, TypeError) as exc:
            raise SchoolIdentityRefused(
                "The school's key did not open with that password. It is sealed with the administrator "
                "password it had when it was made or last changed on this PC; if the password was "
                "changed on another PC or reset, seal it again with the earlier one: 'holbrook school "
                "reseal'.") from exc
        if not isinstance(key, rsa.RSAPrivateKey):
            raise SchoolIdentityUnusable(f"The school's key {self.key_path} is not an RSA key.")
        return key

    def sign(self, password: str, data: bytes) -> bytes:
        """``data`` signed by the school's key (RSA PKCS#1 v1.5, SHA-256): what a join file carries of
        the school's settings."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        return self.open_key(password).sign(data, padding.PKCS1v15(), hashes.SHA256())

    def reseal(self, old_password: str, new_password: str) -> bool:
        """The key sealed again with a new administrator password; False if it is not here or the old
        password does not open it (then it stays sealed with that one)."""
        from cryptography.hazmat.primitives import serialization

        if not self.holds_key():
            return False
        try:
            key = self.open_key(old_password)
        except SchoolIdentityRefused:
            log.warning("the school's key was not resealed: the earlier password does not open it")
            return False
        try:
            write_whole(self.key_path, key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(new_password.encode("utf-8"))))
        except OSError as exc:  # the earlier password still opens it: nothing is lost
            log.error("the school's key was not resealed with the new password: %s", exc)
            return False
        return True

    def issue(self, password: str, public_key, pc_name: str, *, now: datetime | None = None
              ) -> x509.Certificate:
        """A PC's certificate for ``public_key``, issued by the school's key, and kept in issued/."""
        from cryptography.hazmat.primitives import serialization

        key = self.open_key(password)
        root = self.require_certificate()
        start = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        end = min(start.replace(year=start.year + PC_YEARS), root.not_valid_after_utc)
        certificate = _pc_certificate(key, root, public_key, pc_name, start - timedelta(minutes=5), end)
        der = certificate.public_bytes(serialization.Encoding.DER)
        fingerprint = _sha256(der)
        issued = self.folder / ISSUED
        issued.mkdir(mode=0o700, exist_ok=True)
        write_whole(issued / f"{fingerprint}.pem", certificate.public_bytes(serialization.Encoding.PEM))
        write_whole(issued / f"{fingerprint}.json", json.dumps(
            {"pc_name": pc_name, "serial": certificate.serial_number,
             # to the microsecond: the list of PCs is in the order they were issued
             "issued_at": (now or datetime.now(UTC)).astimezone(UTC).isoformat()},
            indent=2).encode("utf-8"))
        return certificate

    def issued(self) -> list[IssuedCertificate]:
        """The PC certificates issued on this PC, oldest first, with their revocation if any."""
        from cryptography import x509

        revoked = {r.serial: r for r in self.revocations()}
        found = []
        for path in sorted((self.folder / ISSUED).glob("*.pem")):
            try:
                certificate = x509.load_pem_x509_certificate(path.read_bytes())
                card = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("skipped issued certificate %s: %s", path, exc)
                continue
            found.append(IssuedCertificate(path.stem, certificate.serial_number, str(card.get("pc_name")),
                                           str(card.get("issued_at")),
                                           certificate.not_valid_after_utc.isoformat(),
                                           revoked.get(certificate.serial_number)))
        return sorted(found, key=lambda c: (c.issued_at, c.fingerprint))

    def find_issued(self, which: str) -> IssuedCertificate:
        """One issued certificate by PC name (case-insensitive) or fingerprint prefix."""
        wanted = which.strip().lower().replace(":", "")
        issued = self.issued()
        by_name = [c for c in issued if c.pc_name.lower() == wanted]
        matches = by_name or ([c for c in issued if c.fingerprint.startswith(wanted)] if len(wanted) >= 6
                              else [])
        if len(matches) != 1:
            names = ", ".join(sorted({c.pc_name for c in issued})) or "none yet"
            why = "No" if not matches else "More than one"
            raise SchoolIdentityRefused(f"{why} PC certificate issued here matches {which!r} (PCs: {names}); "
                                        "give the PC's name or its certificate's fingerprint.")
        return matches[0]

    def revoke(self, password: str, which: str, reason: str = "lost", *, now: datetime | None = None
               ) -> Revocation:
        """Add a PC certificate to the revocation list (signed again by the school's key)."""
        if reason not in REVOCATION_REASONS:
            raise SchoolIdentityRefused(f"The reason must be one of {', '.join(REVOCATION_REASONS)}.")
        target = self.find_issued(which)
        if target.revoked is not None:
            return target.revoked
        key = self.open_key(password)
        root = self.require_certificate()
        at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
        entries = [(r.serial, r.revoked_at, r.reason) for r in self.revocations()]
        entries.append((target.serial, at, reason))
        self._write_crl(key, root, entries, number=self._crl_number() + 1, now=at)
        return next(r for r in self.revocations() if r.serial == target.serial)

    # -- the revocation list (every PC)
    def revocation_list(self) -> bytes | None:
        try:
            return self.crl_path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise SchoolIdentityUnusable(f"{self.crl_path} cannot be read: {exc.strerror or exc}") from exc

    def revocations(self) -> list[Revocation]:
        """The revoked PC certificates, from a revocation list whose signature the school's certificate
        checks (a list that fails is ignored and logged: it cannot have come from the school)."""
        data = self.revocation_list()
        root = self.certificate()
        if data is None or root is None:
            return []
        crl = _checked_crl(data, root)
        if crl is None:
            log.warning("%s does not verify with the school's certificate: ignored", self.crl_path)
            return []
        names = self._issued_names()
        found = []
        for entry in crl:
            reason = "lost"
            with contextlib.suppress(Exception):
                from cryptography import x509

                code = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
                reason = {"key_compromise": "compromised", "cessation_of_operation": "retired"}.get(
                    code.name, "lost")
            fingerprint, pc_name = names.get(entry.serial_number, (None, None))
            found.append(Revocation(entry.serial_number, entry.revocation_date_utc, reason, fingerprint,
                                    pc_name))
        return sorted(found, key=lambda r: r.revoked_at)

    def revocation_of(self, certificate_der: bytes) -> Revocation | None:
        from cryptography import x509

        serial = x509.load_der_x509_certificate(certificate_der).serial_number
        return next((r for r in self.revocations() if r.serial == serial), None)

    def accept_revocation_list(self, data: bytes) -> bool:
        """A revocation list from the sync folder, kept if the school's key signed it and it is newer
        than the one here. True if it replaced ours."""
        root = self.certificate()
        if root is None:
            return False
        crl = _checked_crl(data, root)
        if crl is None or _crl_number(crl) <= self._crl_number():
            return False
        write_whole(self.crl_path, data)
        return True

    def exchange_revocations(self, shared: Path) -> bool:
        """Through the sync folder's ``school/`` sub-folder: a newer revocation list there (signed by
        the school's key) is taken, and ours is put there if it is newer. True if ours changed.
        A list that fails the school's signature is never taken: anyone may write in a shared folder."""
        if not self.exists():
            return False
        remote = shared / CRL_FILE
        taken = False
        with contextlib.suppress(FileNotFoundError):
            taken = self.accept_revocation_list(remote.read_bytes())
        ours = self.revocation_list()
        if ours is not None and not taken:
            root = self.certificate()
            theirs = None
            with contextlib.suppress(OSError):
                theirs = _checked_crl(remote.read_bytes(), root)
            if theirs is None or _crl_number(theirs) < self._crl_number():
                shared.mkdir(parents=True, exist_ok=True)
                write_whole(remote, ours)
        return taken

    # -- moving the school's key to another PC (HR's new PC), or keeping a copy
    def key_file(self, password: str) -> bytes:
        """The school's key as it is sealed (with the administrator password), its certificate, the
        revocation list and the PC certificates issued: all HR's PC needs, in one file."""
        self.open_key(password)  # the password first: the file is useless to whoever lacks it
        issued = {}
        for path in sorted((self.folder / ISSUED).glob("*")):
            issued[path.name] = path.read_text(encoding="utf-8")
        crl = self.revocation_list()
        return json.dumps({"format": KEY_FILE_FORMAT, "school": self.school_name(),
                           "school_certificate": self.certificate_path.read_text(encoding="ascii"),
                           "sealed_key": self.key_path.read_text(encoding="ascii"),
                           "revocation_list": crl.hex() if crl else None, "issued": issued},
                          indent=2).encode("utf-8")

    def take_key_file(self, path: Path, password: str) -> None:
        """Install a key file made by `key_file` on this PC, which must already have the same school's
        certificate (it joined) and hold no school key. Refused, naming the file, if anything is off."""
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        if self.holds_key():
            raise SchoolIdentityRefused("This PC holds the school's key already.")
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
            if not isinstance(body, dict) or body.get("format") != KEY_FILE_FORMAT:
                raise SchoolIdentityRefused(f"{path} is not a school key file made by Holbrook Staff "
                                            "Handbook ('holbrook school export-key').")
            certificate = x509.load_pem_x509_certificate(str(body["school_certificate"]).encode("ascii"))
            sealed = str(body["sealed_key"]).encode("ascii")
            key = serialization.load_pem_private_key(sealed, password=password.encode("utf-8"))
            crl = bytes.fromhex(body["revocation_list"]) if body.get("revocation_list") else None
            issued = {str(k): str(v) for k, v in dict(body.get("issued") or {}).items()}
        except FileNotFoundError as exc:
            raise SchoolIdentityRefused(f"{path} cannot be read: it is not there.") from exc
        except OSError as exc:
            raise SchoolIdentityRefused(f"{path} cannot be read: {exc.strerror or exc}") from exc
        except (ValueError, KeyError, TypeError, UnicodeError) as exc:
            raise SchoolIdentityRefused(f"{path} is damaged, or the password does not open the key in it "
                                        "(it is the administrator password of the PC it came from, when "
                                        "the file was made).") from exc
        mine = self.certificate()
        if mine is None or mine != certificate:
            raise SchoolIdentityRefused(f"The key in {path} is another school's certificate's: join this "
                                        "PC to that school first, with a join file from its HR PC.")
        public = serialization.PublicFormat.SubjectPublicKeyInfo
        if key.public_key().public_bytes(serialization.Encoding.DER, public) != \
                certificate.public_key().public_bytes(serialization.Encoding.DER, public):
            raise SchoolIdentityRefused(f"In {path} the key does not belong to the school's certificate.")
        folder = self.folder / ISSUED
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for name, text in issued.items():
            if re.fullmatch(r"[0-9a-f]{64}\.(pem|json)", name):
                write_whole(folder / name, text.encode("utf-8"))
        if crl is not None and _checked_crl(crl, certificate) is not None and \
                _crl_number(_checked_crl(crl, certificate)) >= self._crl_number():
            write_whole(self.crl_path, crl)
        write_whole(self.key_path, sealed)

    # -- which PC uses which certificate
    def claim(self, certificate_fingerprint: str, pc_id: str) -> str | None:
        """Record that this PC certificate is ``pc_id``'s; the other PC's id if another PC used it first
        (one join file used on two PCs, or a data folder copied to a second PC)."""
        path = self.folder / "members.json"
        members = _loaded(path)
        if certificate_fingerprint not in members:
            members[certificate_fingerprint] = pc_id
            self._prepare()
            write_whole(path, json.dumps(members, indent=2, sort_keys=True).encode("utf-8"))
        first = members[certificate_fingerprint]
        return None if first == pc_id else str(first)

    def claimed_by(self, certificate_fingerprint: str) -> str | None:
        """The PC that first presented this certificate here, if any (reads only)."""
        first = _loaded(self.folder / "members.json").get(certificate_fingerprint)
        return str(first) if first is not None else None

    # -- certificates the school's PCs used before they joined
    def keep_earlier(self, der: bytes, *, pc_name: str, vouched_by: bytes) -> None:
        """Remember a certificate a PC of the school signed with before it joined, as that PC (its
        certificate ``vouched_by``, issued by the school's) vouched for it in the sync folder."""
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        fingerprint = _sha256(der)
        folder = self.folder / EARLIER
        path = folder / f"{fingerprint}.pem"
        if path.is_file():
            return
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        pem = x509.load_der_x509_certificate(der).public_bytes(serialization.Encoding.PEM)
        write_whole(folder / f"{fingerprint}.json", json.dumps(
            {"pc_name": pc_name, "vouched_by": vouched_by.hex()}).encode("utf-8"))
        write_whole(path, pem)

    def earlier_certificates(self) -> dict[str, tuple[bytes, str, bytes]]:
        """{fingerprint: (certificate DER, PC name, DER of the school-issued certificate vouching)}."""
        from cryptography import x509
        from cryptography.hazmat.primitives import serialization

        found = {}
        for path in sorted((self.folder / EARLIER).glob("*.pem")):
            try:
                certificate = x509.load_pem_x509_certificate(path.read_bytes())
                der = certificate.public_bytes(serialization.Encoding.DER)
                card = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
                found[_sha256(der)] = (der, str(card["pc_name"]), bytes.fromhex(str(card["vouched_by"])))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("skipped %s: %s", path, exc)
        return found

    # -- internals
    def _crl_number(self) -> int:
        data = self.revocation_list()
        root = self.certificate()
        crl = _checked_crl(data, root) if data is not None and root is not None else None
        return _crl_number(crl) if crl is not None else 0

    def _issued_names(self) -> dict[int, tuple[str, str]]:
        names = {}
        for card in (self.folder / ISSUED).glob("*.json"):
            with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                data = json.loads(card.read_text(encoding="utf-8"))
                names[int(data["serial"])] = (card.stem, str(data["pc_name"]))
        return names

    def require_certificate(self) -> x509.Certificate:
        certificate = self.certificate()
        if certificate is None:
            raise SchoolIdentityRefused("This PC has no school certificate yet.")
        return certificate

    def _prepare(self) -> None:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            why = exc.strerror or exc
            raise SchoolIdentityUnusable(f"Could not make the folder {self.folder}: {why}") from exc

    def _write_crl(self, key, root, entries: list[tuple[int, datetime, str]], *, number: int,
                   now: datetime) -> None:
        from cryptography import x509
        from cryptography.hazmat.primitives import hashes, serialization

        reasons = {"lost": x509.ReasonFlags.unspecified, "retired": x509.ReasonFlags.cessation_of_operation,
                   "compromised": x509.ReasonFlags.key_compromise}
        builder = (x509.CertificateRevocationListBuilder()
                   .issuer_name(root.subject)
                   .last_update(now)
                   .next_update(now + timedelta(days=3650))
                   .add_extension(x509.CRLNumber(number), critical=False)
                   .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()),
                                  critical=False))
        for serial, at, reason in entries:
            revoked = (x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(at)
                       .add_extension(x509.CRLReason(reasons.get(reason, x509.ReasonFlags.unspecified)),
                                      critical=False).build())
            builder = builder.add_revoked_certificate(revoked)
        crl = builder.sign(key, hashes.SHA256())
        write_whole(self.crl_path, crl.public_bytes(serialization.Encoding.DER))


def _loaded(path: Path) -> dict:
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError, TypeError) as exc:
        log.warning("%s cannot be read (%s): started again", path, exc)
        return {}


def _checked_crl(data: bytes, root):
    from cryptography import x509

    try:
        crl = x509.load_der_x509_crl(data)
    except ValueError:
        try:
            crl = x509.load_pem_x509_crl(data)
        except ValueError:
            return None
    try:
        if crl.issuer != root.subject or not crl.is_signature_valid(root.public_key()):
            return None
    except (TypeError, ValueError):
        return None
    return crl


def _crl_number(crl) -> int:
    from cryptography import x509

    try:
        return int(crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number)
    except x509.ExtensionNotFound:
        return 0


def _sha256(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def _organisation(certificate) -> str:
    from cryptography.x509.oid import NameOID

    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        names = certificate.subject.get_attributes_for_oid(oid)
        if names:
            return str(names[0].value)
    return "(no name)"


def pc_name_of(certificate) -> str | None:
    """The PC named in a certificate this app issued (its pseudonym), else None."""
    from cryptography.x509.oid import NameOID

    units = certificate.subject.get_attributes_for_oid(NameOID.ORGANIZATIONAL_UNIT_NAME)
    if not units or str(units[0].value) != f"{MARK} PC":
        return None
    names = (certificate.subject.get_attributes_for_oid(NameOID.PSEUDONYM)
             or certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME))
    return str(names[0].value) if names else None


def pc_common_name(pc_name: str) -> str:
    """What a reader's signature panel shows as the signer: "PC Staff room" ("PC 2" stays "PC 2")."""
    return (pc_name if pc_name.casefold().startswith("pc") else f"PC {pc_name}")[:64]


def _root_certificate(key, school: str, not_before: datetime, not_after: datetime):
    """A certificate authority for one school: it may sign certificates and revocation lists, nothing
    else, and only one level down (path length 0). No extended key usage: NSS refuses a CA carrying one
    (see signing_key._self_signed_certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, school[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, school[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"{MARK} school certificate")])
    public_key = key.public_key()
    return (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         key_cert_sign=True, crl_sign=True, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .sign(key, hashes.SHA256()))


def _pc_certificate(key, root, public_key, pc_name: str, not_before: datetime, not_after: datetime):
    """One PC's signing certificate: signs documents only; names the PC and the school."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    school = _organisation(root)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, pc_common_name(pc_name)),
                      x509.NameAttribute(NameOID.PSEUDONYM, pc_name[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, school[:64]),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, f"{MARK} PC")])
    return (x509.CertificateBuilder()
            .subject_name(name).issuer_name(root.subject).public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         key_cert_sign=False, crl_sign=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root.public_key()),
                           critical=False)
            .sign(key, hashes.SHA256()))
