"""The command line for acknowledgements, attestation PDFs and the school's signing key."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from collections.abc import Callable
from pathlib import Path

from holbrook_desktop import cli
from holbrook_desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE

P12_PASSWORD_ENV = "HOLBROOK_P12_PASSWORD"

Command = Callable[..., argparse.ArgumentParser]


def add_commands(commands, command: Command) -> None:
    verify = command(commands, "verify", "check a signed attestation PDF: exit 0 if it is genuine, 1 if not")
    verify.add_argument("file", metavar="FILE.pdf", type=Path)
    verify.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    verify.set_defaults(handler=_verify)

    acknowledgement = commands.add_parser("acknowledgement", help="acknowledgements on record")
    verbs = acknowledgement.add_subparsers(dest="verb", metavar="VERB", required=True)
    listing = command(verbs, "list", "acknowledgements, oldest first")
    listing.add_argument("--staff", type=int, metavar="ID", help="only this person's")
    listing.add_argument("--policy", metavar="ID", help="only this policy's")
    listing.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    listing.set_defaults(handler=_acknowledgement_list)
    record = command(verbs, "record", "(administrator) record an acknowledgement on someone's behalf")
    record.add_argument("--staff", type=int, required=True, metavar="ID", help="the person's number")
    record.add_argument("--policy", required=True, metavar="ID", help="the policy, e.g. social-media")
    record.add_argument("--note", required=True, help="why it is recorded on their behalf")
    record.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    record.set_defaults(handler=_acknowledgement_record)

    attestation = commands.add_parser("attestation", help="the signed attestation PDFs")
    attestation_verbs = attestation.add_subparsers(dest="verb", metavar="VERB", required=True)
    save = command(attestation_verbs, "save", "save a copy of the signed PDF of one acknowledgement")
    save.add_argument("record_id", type=int, metavar="RECORD")
    save.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")
    save.set_defaults(handler=_attestation_save)

    signing = commands.add_parser("signing", help="the school's signing key and certificates")
    signing_verbs = signing.add_subparsers(dest="verb", metavar="VERB", required=True)
    show = command(signing_verbs, "show", "the current certificate and the earlier ones kept")
    show.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    show.set_defaults(handler=_signing_show)
    create = command(signing_verbs, "create", "create the school's self-signed key (10 years)")
    create.add_argument("--school", help="the name on the certificate (default: the policy's school)")
    create.add_argument("--replace", action="store_true",
                        help="replace the current key (its certificate is kept for earlier attestations)")
    create.set_defaults(handler=_signing_create)
    load = command(signing_verbs, "import", "use a key and certificate from a PKCS#12 (.p12/.pfx) file")
    load.add_argument("file", type=Path, metavar="FILE.p12")
    load.add_argument("--password-file", type=Path, metavar="FILE",
                      help=f"read the password from FILE (else ${P12_PASSWORD_ENV}, else asked)")
    load.set_defaults(handler=_signing_import)
    export = command(signing_verbs, "export-certificate",
                     "write the certificate for HR and auditors to trust (.pem, or .cer/.crt for DER)")
    export.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    export.add_argument("--fingerprint", help="an earlier certificate instead of the current one")
    export.set_defaults(handler=_signing_export)


def _verify(args: argparse.Namespace) -> int:
    try:
        pdf = args.file.read_bytes()
    except OSError as exc:
        cli._say(f"holbrook verify: cannot read {args.file}: {exc.strerror or exc}")
        return EXIT_USAGE
    with cli._records_service(args) as service:
        if service is None:
            return EXIT_USAGE
        check = service.attestation.verify(pdf)
    if args.json:
        cli._print_json({"file": str(args.file), **check.as_dict()})
    else:
        for line in check.lines:
            print(f"{'ok  ' if line.ok else 'FAIL'} {line.name}: {line.message}")
        cli._say(f"{args.file}: " + ("a genuine attestation" if check.ok else "NOT verified"))
    return EXIT_OK if check.ok else EXIT_FAILED


def _acknowledgement_list(args: argparse.Namespace) -> int:
    store = cli._open_records(args)
    if store is None:
        return EXIT_USAGE
    with contextlib.closing(store):
        records = [r for r in store.acknowledgements.all(args.policy)
                   if args.staff is None or r.staff_id == args.staff]
        rows = [store.acknowledgements.summary(r) for r in records]
        names = {m.id: m.full_name for m in store.staff.list(include_inactive=True)}
    if args.json:
        cli._print_json({"acknowledgements": rows})
    else:
        for row in rows:
            print(f"{row['id']:>5}  {row['acknowledged_at'][:16].replace('T', ' ')} UTC  "
                  f"{names.get(row['staff_id'], row['staff_id'])}  {row['policy_id']} "
                  f"({row['version_label']})  {row['method']}")
        cli._say(f"{len(rows)} acknowledgements")
    return EXIT_OK


def _acknowledgement_record(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.acknowledgement import AcknowledgementRefused
    from holbrook_desktop.core.attestation.signing_key import SigningKeyError
    from holbrook_desktop.core.records import StoreError

    with cli._records_service(args) as service:
        if service is None:
            return EXIT_USAGE
        try:
            record = service.attestation.acknowledge_on_behalf(args.staff, args.policy, note=args.note)
        except KeyError:
            cli._say(f"holbrook acknowledgement record: no person {args.staff} or policy '{args.policy}'")
            return EXIT_USAGE
        except (AcknowledgementRefused, SigningKeyError, StoreError) as exc:
            cli._say(f"holbrook acknowledgement record: {exc}")
            return EXIT_USAGE
        summary = service.records.acknowledgements.summary(record)
        pdf_path = service.records.acknowledgements.pdf_path(record)
    if args.json:
        cli._print_json({**summary, "pdf_path": str(pdf_path)})
    else:
        print(record.id)
        cli._say(f"recorded acknowledgement {record.id} on behalf of person {args.staff}; "
                 f"signed PDF: {pdf_path}")
    return EXIT_OK


def _attestation_save(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.files import write_whole
    from holbrook_desktop.core.records import SignedPdfUnusable

    store = cli._open_records(args)
    if store is None:
        return EXIT_USAGE
    with contextlib.closing(store):
        record = store.acknowledgements.get(args.record_id)
        if record is None:
            cli._say(f"holbrook attestation save: no acknowledgement {args.record_id}")
            return EXIT_USAGE
        try:
            pdf = store.acknowledgements.pdf_bytes(record)  # checked against its recorded SHA-256
        except SignedPdfUnusable as exc:
            cli._say(f"holbrook attestation save: refused: {exc}")
            return EXIT_FAILED
    try:
        write_whole(args.output, pdf)  # private (0600): it names a person
    except OSError as exc:
        cli._say(f"holbrook attestation save: cannot write {args.output}: {exc.strerror or exc}")
        return EXIT_USAGE
    cli._say(f"saved {args.output}")
    return EXIT_OK


def _signing_show(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey, SigningKeyError

    key = SchoolSigningKey(cli.paths.data_dir(args.data_dir))
    try:
        certificates = key.certificates()
    except SigningKeyError as exc:
        cli._say(f"holbrook signing show: {exc}")
        return EXIT_FAILED
    rows = [{"fingerprint": c.fingerprint, "subject": c.subject, "not_before": c.not_before.isoformat(),
             "not_after": c.not_after.isoformat(), "current": c.current, "file": str(c.path)}
            for c in certificates]
    if args.json:
        cli._print_json({"certificates": rows})
    else:
        for row in rows:
            print(f"{'current ' if row['current'] else 'earlier '} {row['fingerprint']}  {row['subject']}  "
                  f"valid {row['not_before'][:10]} to {row['not_after'][:10]}")
        if not rows:
            cli._say("no signing key yet: 'holbrook signing create' makes one (so does the first "
                     "acknowledgement)")
    return EXIT_OK


def _signing_create(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.signing_key import SigningKeyError
    from holbrook_desktop.core.records import StoreError

    with cli._records_service(args) as service:
        if service is None:
            return EXIT_USAGE
        if service.attestation.signing_key().exists() and not args.replace:
            cli._say("holbrook signing create: this installation already has a signing key; "
                     "add --replace to make a new one (the old certificate is kept)")
            return EXIT_USAGE
        try:
            certificate = service.attestation.create_signing_key(args.school)
        except (SigningKeyError, StoreError) as exc:
            cli._say(f"holbrook signing create: {exc}")
            return EXIT_FAILED
    print(certificate.fingerprint)
    cli._say(f"created a signing key for {certificate.subject}, valid until {certificate.not_after:%d %B %Y}")
    return EXIT_OK


def _signing_import(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.signing_key import SigningKeyError
    from holbrook_desktop.core.records import StoreError

    if args.password_file is not None:
        try:
            password: str | None = args.password_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            cli._say(f"holbrook signing import: cannot read {args.password_file}: {exc.strerror or exc}")
            return EXIT_USAGE
    elif P12_PASSWORD_ENV in os.environ:
        password = os.environ[P12_PASSWORD_ENV]
    elif sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.file} (empty if none): ")
    else:
        password = None
    with cli._records_service(args) as service:
        if service is None:
            return EXIT_USAGE
        try:
            certificate = service.attestation.import_signing_key(args.file, password or None)
        except (SigningKeyError, StoreError) as exc:
            cli._say(f"holbrook signing import: {exc}")
            return EXIT_USAGE
    print(certificate.fingerprint)
    cli._say(f"now signing as {certificate.subject}, valid until {certificate.not_after:%d %B %Y}")
    return EXIT_OK


def _signing_export(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey, SigningKeyError

    key = SchoolSigningKey(cli.paths.data_dir(args.data_dir))
    try:
        written = key.export_certificate(args.output, args.fingerprint)
    except SigningKeyError as exc:
        cli._say(f"holbrook signing export-certificate: {exc}")
        return EXIT_USAGE
    except OSError as exc:
        cli._say(f"holbrook signing export-certificate: cannot write {args.output}: {exc.strerror or exc}")
        return EXIT_USAGE
    cli._say(f"wrote {written}: add it to your PDF reader's trusted certificates to see attestations as "
             "signed by the school")
    return EXIT_OK
