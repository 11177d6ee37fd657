"""`holbrook signing …`: the school's signing key and its certificates."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

from holbrook_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    add_output_option,
    print_json,
    records_app,
    say,
)
from holbrook_desktop.core import paths

P12_PASSWORD_ENV = "HOLBROOK_P12_PASSWORD"


def register(commands) -> None:
    signing_verbs = add_noun(commands, "signing", "the school's signing key and certificates")
    show = add_command(signing_verbs, "show", "the current certificate and the earlier ones kept")
    add_json_option(show)
    show.set_defaults(handler=_signing_show)
    create = add_command(signing_verbs, "create", "create the school's self-signed key (10 years)",
                         requires_admin=True)
    create.add_argument("--school", help="the name on the certificate (default: the policy's school)")
    create.add_argument("--replace", action="store_true",
                        help="replace the current key (its certificate is kept for earlier attestations)")
    create.set_defaults(handler=_signing_create)
    load = add_command(signing_verbs, "import", "use a key and certificate from a PKCS#12 (.p12/.pfx) file",
                       requires_admin=True)
    load.add_argument("file", type=Path, metavar="FILE.p12")
    load.add_argument("--password-file", type=Path, metavar="FILE",
                      help=f"read the password from FILE (else ${P12_PASSWORD_ENV}, else asked)")
    load.set_defaults(handler=_signing_import)
    export = add_command(signing_verbs, "export-certificate",
                         "write the certificate for HR and auditors to trust (.pem, or .cer/.crt for DER)")
    add_output_option(export)
    export.add_argument("--fingerprint", help="an earlier certificate instead of the current one")
    export.set_defaults(handler=_signing_export)



def _signing_show(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey, SigningKeyError

    key = SchoolSigningKey(paths.data_dir(args.data_dir))
    try:
        certificates = key.certificates()
    except SigningKeyError as exc:
        say(f"holbrook signing show: {exc}")
        return EXIT_FAILED
    rows = [{"fingerprint": c.fingerprint, "subject": c.subject, "not_before": c.not_before.isoformat(),
             "not_after": c.not_after.isoformat(), "current": c.current, "file": str(c.path)}
            for c in certificates]
    if args.json:
        print_json({"certificates": rows})
    else:
        for row in rows:
            print(f"{'current ' if row['current'] else 'earlier '} {row['fingerprint']}  {row['subject']}  "
                  f"valid {row['not_before'][:10]} to {row['not_after'][:10]}")
        if not rows:
            say("no signing key yet: 'holbrook signing create' makes one (so does the first "
                "acknowledgement)")
    return EXIT_OK


def _signing_create(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.signing_key import SigningKeyError
    from holbrook_desktop.core.records import StoreError

    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        if app.attestation.signing_key().exists() and not args.replace:
            say("holbrook signing create: this installation already has a signing key; "
                "add --replace to make a new one (the old certificate is kept)")
            return EXIT_USAGE
        try:
            certificate = app.attestation.create_signing_key(args.school)
        except (SigningKeyError, StoreError) as exc:
            say(f"holbrook signing create: {exc}")
            return EXIT_FAILED
    print(certificate.fingerprint)
    say(f"created a signing key for {certificate.subject}, valid until {certificate.not_after:%d %B %Y}")
    return EXIT_OK


def _signing_import(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.signing_key import SigningKeyError
    from holbrook_desktop.core.records import StoreError

    if args.password_file is not None:
        try:
            password: str | None = args.password_file.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            say(f"holbrook signing import: cannot read {args.password_file}: {exc.strerror or exc}")
            return EXIT_USAGE
    elif P12_PASSWORD_ENV in os.environ:
        password = os.environ[P12_PASSWORD_ENV]
    elif sys.stdin.isatty():
        password = getpass.getpass(f"Password for {args.file} (empty if none): ")
    else:
        password = None
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        try:
            certificate = app.attestation.import_signing_key(args.file, password or None)
        except (SigningKeyError, StoreError) as exc:
            say(f"holbrook signing import: {exc}")
            return EXIT_USAGE
    print(certificate.fingerprint)
    say(f"now signing as {certificate.subject}, valid until {certificate.not_after:%d %B %Y}")
    return EXIT_OK


def _signing_export(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey, SigningKeyError

    key = SchoolSigningKey(paths.data_dir(args.data_dir))
    try:
        written = key.export_certificate(args.output, args.fingerprint)
    except SigningKeyError as exc:
        say(f"holbrook signing export-certificate: {exc}")
        return EXIT_USAGE
    except OSError as exc:
        say(f"holbrook signing export-certificate: cannot write {args.output}: {exc.strerror or exc}")
        return EXIT_USAGE
    say(f"wrote {written}: add it to your PDF reader's trusted certificates to see attestations as "
        "signed by the school")
    return EXIT_OK
