"""`holbrook school …`: one identity for the school's PCs (the school's certificate, join files,
revoking a lost PC's certificate)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from holbrook_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    add_output_option,
    admin_password,
    print_json,
    records_app,
    say,
)

T = TypeVar("T")


def register(commands) -> None:
    verbs = add_noun(commands, "school", "one identity for the school's PCs: its certificate, join files")
    show = add_command(verbs, "show", "whether this PC is one of the school's, and the PCs issued here")
    add_json_option(show)
    show.set_defaults(handler=_show)
    create = add_command(verbs, "create", "make the school's certificate on this PC (HR's): its key is "
                         "sealed with the administrator password", requires_admin=True)
    create.add_argument("--pc-name", help="this PC's name on its attestations (default: its host name)")
    add_json_option(create)
    create.set_defaults(handler=_create)
    make = add_command(verbs, "make-join-file", "a join file for another PC, sealed with the administrator "
                       "password", requires_admin=True)
    add_output_option(make, help_text="the join file to write (e.g. staff-room.holbrook-join)")
    make.add_argument("--pc-name", help="the PC's name, printed on its attestations (default: PC 2, PC 3 …)")
    add_json_option(make)
    make.set_defaults(handler=_make_join_file)
    join = add_command(verbs, "join", "make this PC one of the school's, with HR's join file (opened with "
                       "the administrator password)", requires_admin=True)
    join.add_argument("file", type=Path, metavar="FILE")
    add_json_option(join)
    join.set_defaults(handler=_join)
    revoke = add_command(verbs, "revoke", "revoke a PC's certificate (lost, stolen or retired)",
                         requires_admin=True)
    revoke.add_argument("pc", metavar="PC", help="the PC's name, or its certificate's fingerprint")
    revoke.add_argument("--reason", choices=("lost", "retired", "compromised"), default="lost")
    add_json_option(revoke)
    revoke.set_defaults(handler=_revoke)
    export_key = add_command(verbs, "export-key", "a copy of the school's key, sealed with the administrator "
                             "password, to move HR's PC or keep safe", requires_admin=True)
    add_output_option(export_key)
    export_key.set_defaults(handler=_export_key)
    import_key = add_command(verbs, "import-key", "make this PC (already joined) HR's PC, with a key file",
                             requires_admin=True)
    import_key.add_argument("file", type=Path, metavar="FILE")
    import_key.set_defaults(handler=_import_key)
    reseal = add_command(verbs, "reseal", "seal the school's key with the administrator password now in "
                         "force (asks the earlier one; with --password-stdin, on the second line)",
                         requires_admin=True)
    reseal.set_defaults(handler=_reseal)
    revocations = add_command(verbs, "export-revocations",
                              "write the school's list of revoked PC certificates for auditors (.crl, DER)")
    add_output_option(revocations)
    revocations.set_defaults(handler=_export_revocations)
    export = add_command(verbs, "export-certificate",
                         "write the school's certificate for auditors (.pem, or .cer/.crt for DER)")
    add_output_option(export)
    export.set_defaults(handler=_export)


def _with_app(args: argparse.Namespace, work: Callable[..., T], *, password: bool = False
              ) -> tuple[int, T | None]:
    """(EXIT_OK, what ``work(app[, password])`` gave), or the exit status after saying why: the records
    would not open, the administrator password could not be had, or the school refused."""
    from holbrook_desktop.core.errors import HolbrookError, Refused

    given = admin_password(args) if password else None
    if password and given is None:
        return EXIT_USAGE, None
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE, None
        try:
            return EXIT_OK, (work(app, given) if password else work(app))
        except HolbrookError as exc:
            say(f"holbrook school {args.verb}: {exc}")
            return (EXIT_USAGE if isinstance(exc, Refused) else EXIT_FAILED), None


def _show(args: argparse.Namespace) -> int:
    code, status = _with_app(args, lambda app: app.school.status())
    if status is None:
        return code
    if args.json:
        print_json(status)
        return EXIT_OK
    if not status["member"]:
        print("This PC is not part of a school identity yet: 'holbrook school create' on HR's PC, then "
              "'holbrook school join FILE' on each other PC.")
        return EXIT_OK
    where = "holds the school's key (HR's PC)" if status["holds_school_key"] else "is one of its PCs"
    print(f"School: {status['school']} (certificate {status['school_certificate'][:16]}); this PC {where}")
    if status["this_pc"]:
        pc = status["this_pc"]
        state = "revoked: " + pc["revoked"] if pc["revoked"] else (
            "issued by the school" if pc["vouched_by_school"] else "NOT issued by the school")
        print(f"This PC signs as {pc['subject']} (certificate {pc['fingerprint'][:16]}), {state}")
    for issued in status["issued"]:
        state = f"revoked ({issued['revoked']})" if issued["revoked"] else "in use"
        print(f"  {issued['pc_name']:<24} {issued['fingerprint'][:16]}  "
              f"issued {issued['issued_at'][:10]}  {state}")
    return EXIT_OK


def _create(args: argparse.Namespace) -> int:
    code, done = _with_app(args, lambda app, password: (app.school.create(password, pc_name=args.pc_name),
                                                         app.school.status()), password=True)
    if done is None:
        return code
    certificate, status = done
    if args.json:
        print_json(status)
    else:
        print(status["school_certificate"])
    say(f"made the school's certificate for {status['school']}; this PC now signs as {certificate.subject}. "
        "Make a join file for each other PC: 'holbrook school make-join-file --pc-name NAME -o FILE'")
    return EXIT_OK


def _make_join_file(args: argparse.Namespace) -> int:
    code, made = _with_app(args, lambda app, password: app.school.make_join_file(
        password, args.pc_name, args.output), password=True)
    if made is None:
        return code
    if args.json:
        print_json({"file": str(made.path), "pc_name": made.pc_name,
                    "certificate": made.certificate_fingerprint})
    say(f"wrote {made.path} for PC {made.pc_name!r}, sealed with the administrator password. On that PC run "
        "'holbrook school join FILE', then delete the file.")
    return EXIT_OK


def _join(args: argparse.Namespace) -> int:
    code, joined = _with_app(args, lambda app, password: app.school.join(args.file, password), password=True)
    if joined is None:
        return code
    if args.json:
        print_json({"school": joined.school, "pc_name": joined.pc_name,
                    "certificate": joined.certificate.fingerprint, "sync_folder": joined.sync_folder,
                    "sync_folder_unreachable": joined.sync_folder_unreachable})
    say(f"this PC is now {joined.pc_name!r} of {joined.school}: its attestations verify on every PC of the "
        "school. Delete the join file now.")
    if joined.sync_folder:
        say(f"sync folder set to {joined.sync_folder}")
    elif joined.sync_folder_unreachable:
        say(f"the join file names the sync folder {joined.sync_folder_unreachable}, which this PC cannot "
            "reach: set it with 'holbrook sync set-folder PATH'")
    return EXIT_OK


def _revoke(args: argparse.Namespace) -> int:
    code, revocation = _with_app(
        args, lambda app, password: app.school.revoke(password, args.pc, args.reason), password=True)
    if revocation is None:
        return code
    if args.json:
        print_json({"serial": f"{revocation.serial:x}", "pc_name": revocation.pc_name,
                    "revoked_at": revocation.revoked_at.isoformat(), "reason": revocation.reason})
    say(f"{revocation.in_words}. The other PCs learn of it at their next sync; signatures it makes from "
        "now on are not the school's.")
    return EXIT_OK


def _then_say(args: argparse.Namespace, work: Callable[..., T], said: Callable[[T], str], *,
              password: bool = False) -> int:
    """Run ``work`` as `_with_app` does and, if it went through, say what it did."""
    code, done = _with_app(args, work, password=password)
    if code == EXIT_OK:
        say(said(done))  # type: ignore[arg-type]  # the work's answer, since it went through
    return code


def _export(args: argparse.Namespace) -> int:
    return _then_say(args, lambda app: app.school.export_certificate(args.output), lambda written: (
        f"wrote {written}: an auditor who trusts it sees every attestation of every PC of the school as "
        "signed by the school"))


def _export_key(args: argparse.Namespace) -> int:
    return _then_say(args, lambda app, password: app.school.export_key(password, args.output),
                     lambda written: (
        f"wrote {written}: the school's key, sealed with the administrator password. Keep it somewhere safe "
        "(not in the sync folder); 'holbrook school import-key FILE' on a joined PC makes it HR's PC"),
        password=True)


def _import_key(args: argparse.Namespace) -> int:
    return _then_say(args, lambda app, password: app.school.import_key(args.file, password), lambda _: (
        "this PC now holds the school's key: it can make join files and revoke PCs"), password=True)


def _reseal(args: argparse.Namespace) -> int:
    if sys.stdin.isatty():
        earlier = getpass.getpass("The earlier administrator password (the key is sealed with it): ")
    else:
        earlier = sys.stdin.readline().rstrip("\r\n")
    if not earlier:
        say("holbrook school reseal: give the earlier password (with --password-stdin, on the second line)")
        return EXIT_USAGE
    return _then_say(args, lambda app, password: app.school.reseal(password, earlier), lambda _: (
        "the school's key is now sealed with the administrator password in force"), password=True)


def _export_revocations(args: argparse.Namespace) -> int:
    return _then_say(args, lambda app: app.school.export_revocations(args.output), lambda written: (
        f"wrote {written}: imported beside the school's certificate (e.g. crlutil -I -i FILE -d DB), a "
        "revoked PC's later signatures show as revoked"))
