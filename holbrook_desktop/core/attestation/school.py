"""`app.school`: one identity for a school's PCs. HR's PC makes the school's certificate and a join file
for each other PC; a PC joins with its file and the administrator password; a lost PC's certificate is
revoked. Every step
is audited. See school_root.py for why, and join_file.py for the file."""

from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from holbrook_desktop.core.attestation.school_root import SchoolIdentityRefused, SchoolRoot
from holbrook_desktop.core.errors import Refused

if TYPE_CHECKING:
    from collections.abc import Iterator

    from holbrook_desktop.app import App
    from holbrook_desktop.core.attestation.school_root import Revocation
    from holbrook_desktop.core.attestation.signing_key import SchoolCertificate

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MadeJoinFile:
    path: Path
    pc_name: str
    certificate_fingerprint: str


@dataclass(frozen=True)
class Joined:
    school: str
    pc_name: str
    certificate: SchoolCertificate
    sync_folder: str | None  # set from the join file, when this PC can reach it
    sync_folder_unreachable: str | None  # named in the file but not reachable from here


class SchoolService:
    def __init__(self, app: App) -> None:
        self._app = app

    def root(self) -> SchoolRoot:
        return SchoolRoot(self._app.require_records().data_dir)

    def status(self) -> dict[str, Any]:
        """What this PC is in the school, for `holbrook school show` and the admin area."""
        root = self.root()
        current = self._app.attestation.signing_key().current()
        issued = root.issued() if root.holds_key() else []
        this_pc = None
        if current is not None:
            revoked = root.revocation_of(current.der) if root.exists() else None
            this_pc = {"subject": current.subject, "fingerprint": current.fingerprint,
                       "vouched_by_school": root.exists() and self._vouched(current.der),
                       "revoked": revoked.in_words if revoked else None}
        return {
            "member": root.exists(),
            "school": root.school_name(),
            "school_certificate": root.fingerprint(),
            "holds_school_key": root.holds_key(),
            "this_pc": this_pc,
            "issued": [{"pc_name": c.pc_name, "fingerprint": c.fingerprint, "issued_at": c.issued_at,
                        "not_after": c.not_after, "revoked": c.revoked.in_words if c.revoked else None}
                       for c in issued],
            "revoked": [r.in_words for r in root.revocations()],
        }

    def create(self, password: str, *, pc_name: str | None = None) -> SchoolCertificate:
        """The school's certificate and key (sealed with the administrator password), made on this PC,
        which becomes HR's; this PC's signing key (made now if there is none) gets a certificate from
        it. All or nothing: if the PC's certificate cannot be put in place, the school's is removed."""
        import socket

        from cryptography.hazmat.primitives.asymmetric import rsa

        from holbrook_desktop.core.attestation.school_root import RSA_BITS

        self._check_password(password)
        root = self.root()
        school = self._app.admin.school_profile().name
        root_certificate = root.create(school, password)
        name = pc_name or socket.gethostname() or "HR"
        key = self._app.attestation.signing_key()
        try:
            private_key = None if key.exists() else rsa.generate_private_key(public_exponent=65537,
                                                                             key_size=RSA_BITS)
            public_key = private_key.public_key() if private_key is not None else key.public_key()
            certificate = root.issue(password, public_key, name)
            installed = key.install_issued(certificate, [root_certificate], private_key=private_key,
                                           record=self._audited("school.created", root=root, pc_name=name))
        except BaseException:
            _remove_school(root)
            raise
        return installed

    def make_join_file(self, password: str, pc_name: str | None, destination: Path) -> MadeJoinFile:
        """A join file for the PC named ``pc_name`` (default "PC 2", "PC 3" …), written to ``destination``
        (outside the data folder), sealed with the administrator password."""
        from holbrook_desktop.core.attestation import join_file
        from holbrook_desktop.core.files import write_new
        from holbrook_desktop.core.paths import check_output_target

        records = self._app.require_records()
        destination = check_output_target(Path(destination), records.data_dir)
        if destination.exists():
            raise SchoolIdentityRefused(f"{destination} already exists: choose a new name (a join file is "
                                        "for one PC).")
        self._check_password(password)
        root = self.root()
        pc_name = pc_name or f"PC {len(root.issued()) + 1}"
        from holbrook_desktop.core.records.events import shared_settings

        made = join_file.make(root, password, pc_name, sync_folder=records.settings.get("sync.folder"),
                              settings=[list(row) for row in shared_settings(records)])
        with records.change("school.join-file-made") as change:
            change.details = {"pc_name": made.pc_name, "certificate": made.certificate_fingerprint,
                              "file": str(destination)}
            try:
                write_new(destination, made.data)
            except OSError as exc:
                raise SchoolIdentityRefused(f"The join file could not be written to {destination}: "
                                            f"{exc.strerror or exc}") from exc
        return MadeJoinFile(destination, made.pc_name, made.certificate_fingerprint)

    def join(self, path: Path, password: str) -> Joined:
        """This PC signs from now on with the key and certificate in the join file, and trusts the
        school's certificate in it. Its earlier certificates are kept, so attestations it signed
        before still verify here."""
        from holbrook_desktop.core.attestation import join_file
        from holbrook_desktop.core.sync import folder as sync

        package = join_file.read(Path(path), password)
        root = self.root()
        if root.holds_key():
            raise SchoolIdentityRefused("This PC holds the school's key (it is HR's PC): it is in the school "
                                        "already and cannot join with a join file.")
        was_member = root.exists()
        root.trust(package.school_certificate)
        key = self._app.attestation.signing_key()
        try:
            installed = key.install_issued(package.certificate, [package.school_certificate],
                                           private_key=package.private_key,
                                           record=self._audited("school.joined", root=root,
                                                                pc_name=package.pc_name, file=str(path)))
        except BaseException:
            if not was_member:
                root.forget()
            raise
        from holbrook_desktop.core.records.events import adopt_settings

        adopt_settings(self._app.require_records(), package.settings)
        folder, unreachable = None, None
        if package.sync_folder:
            records = self._app.require_records()
            try:
                folder = str(sync.set_sync_folder(records, Path(package.sync_folder)))
            except (Refused, OSError) as exc:  # the join stands; the folder can be set later
                log.info("join: sync folder %s not set: %s", package.sync_folder, exc)
                unreachable = package.sync_folder
        return Joined(package.school, package.pc_name, installed, folder, unreachable)

    def revoke(self, password: str, which: str, reason: str = "lost") -> Revocation:
        """Revoke a PC's certificate (by PC name or fingerprint): its signatures made from now on are not
        the school's, on any PC that has synced since. Audited."""
        self._check_password(password)
        root = self.root()
        target = root.find_issued(which)
        if target.revoked is not None:
            return target.revoked
        current = self._app.attestation.signing_key().current()
        if current is not None and current.fingerprint == target.fingerprint:
            raise SchoolIdentityRefused(
                f"{target.pc_name!r} is this PC: it would stop signing for the school. To retire HR's PC, "
                "move the school's key first ('holbrook school export-key', then 'import-key' on the new "
                "HR PC) and revoke this one from there.")
        with self._app.require_records().change("school.pc-revoked") as change:
            revocation = root.revoke(password, which, reason)
            change.details = {"pc_name": target.pc_name, "certificate": target.fingerprint, "reason": reason,
                              "revoked_at": revocation.revoked_at.isoformat()}
        return revocation

    def export_key(self, password: str, destination: Path) -> Path:
        """A copy of the school's key (still sealed with the administrator password) with what HR's PC
        keeps beside it, to move HR's PC or to keep somewhere safe. Audited."""
        from holbrook_desktop.core.files import write_new
        from holbrook_desktop.core.paths import check_output_target

        records = self._app.require_records()
        destination = check_output_target(Path(destination), records.data_dir)
        self._check_password(password)
        data = self.root().key_file(password)
        with records.change("school.key-exported") as change:
            change.details = {"file": str(destination)}
            try:
                write_new(destination, data)
            except OSError as exc:
                raise SchoolIdentityRefused(f"The school's key could not be written to {destination}: "
                                            f"{exc.strerror or exc}") from exc
        return destination

    def import_key(self, path: Path, password: str) -> None:
        """HR's PC moves here: the school's key from `export_key`'s file. Audited."""
        self._check_password(password)
        with self._app.require_records().change("school.key-imported") as change:
            self.root().take_key_file(Path(path), password)
            change.details = {"file": str(path), "school_certificate": self.root().fingerprint()}

    def reseal(self, password: str, earlier_password: str) -> None:
        """Seal the school's key with the administrator password now in force, opening it with the
        earlier one (after the password was changed on another PC, or reset). Audited."""
        self._check_password(password)
        root = self.root()
        root.open_key(earlier_password)  # says what is wrong if it does not open
        with self._app.require_records().change("school.key-resealed") as change:
            if not root.reseal(earlier_password, password):
                raise SchoolIdentityRefused("The school's key could not be sealed again; it is still sealed "
                                            "with the earlier password.")
            change.details = {"school_certificate": root.fingerprint()}

    def export_revocations(self, destination: Path) -> Path:
        """The school's revocation list (DER, signed by the school's key) for auditors: imported into
        their reader's certificate store beside the school's certificate (NSS: `crlutil -I`), a revoked
        PC's later signatures show as revoked there too."""
        from holbrook_desktop.core.attestation.school_root import SchoolIdentityUnusable
        from holbrook_desktop.core.paths import check_output_target

        root = self.root()
        destination = check_output_target(Path(destination), root.folder.parent.parent)
        data = root.revocation_list() if root.exists() else None
        if data is None:
            raise SchoolIdentityRefused("This PC has no revocation list of the school's: it comes with the "
                                        "school's certificate, and through the sync folder.")
        try:
            destination.write_bytes(data)
        except OSError as exc:
            raise SchoolIdentityUnusable(f"Could not write {destination}: {exc.strerror or exc}") from exc
        return destination

    def export_certificate(self, destination: Path) -> Path:
        """The school's certificate for auditors (PEM for .pem, DER for .cer/.crt/.der)."""
        from holbrook_desktop.core.attestation.school_root import SchoolIdentityUnusable
        from holbrook_desktop.core.paths import check_output_target

        root = self.root()
        destination = check_output_target(Path(destination), root.folder.parent.parent)
        certificate = root.certificate()
        if certificate is None:
            raise SchoolIdentityRefused("This PC has no school certificate: make one ('holbrook school "
                                        "create') on HR's PC, or join with a join file.")
        from cryptography.hazmat.primitives import serialization

        suffix = destination.suffix.lower()
        if suffix not in (".pem", ".cer", ".crt", ".der"):
            raise SchoolIdentityRefused(f"Cannot export to {destination}: the file name should end in .pem, "
                                        ".cer, .crt or .der.")
        encoding = serialization.Encoding.PEM if suffix == ".pem" else serialization.Encoding.DER
        try:
            destination.write_bytes(certificate.public_bytes(encoding))
        except OSError as exc:
            raise SchoolIdentityUnusable(f"Could not write {destination}: {exc.strerror or exc}") from exc
        return destination

    # -- internals
    def _check_password(self, password: str) -> None:
        """The administrator password, checked (and counted, like every try) before it seals or opens
        the school's key."""
        admin = self._app.admin.password()
        if not admin.is_set():
            raise SchoolIdentityRefused("Set the administrator password first: the school's key is sealed "
                                        "with it ('holbrook admin password set').")
        result = admin.check(password)
        if not result.ok:
            raise SchoolIdentityRefused(result.message or "That is not the administrator password.")

    def _vouched(self, der: bytes) -> bool:
        from cryptography import x509

        from holbrook_desktop.core.attestation.signing_key import issued_by

        root = self.root().certificate()
        return root is not None and issued_by(x509.load_der_x509_certificate(der), root)

    def _audited(self, action: str, *, root: SchoolRoot, **extra: str):
        records = self._app.require_records()

        @contextlib.contextmanager
        def record(certificate: SchoolCertificate) -> Iterator[None]:
            with records.change(action) as change:
                change.details = {"school_certificate": root.fingerprint(), "school": root.school_name(),
                                  "fingerprint": certificate.fingerprint, "subject": certificate.subject,
                                  "not_after": certificate.not_after.isoformat(), **extra}
                yield

        return record


def _remove_school(root: SchoolRoot) -> None:
    """Undo `SchoolRoot.create` after a failure that followed it."""
    import shutil

    with contextlib.suppress(OSError):
        shutil.rmtree(root.folder)
