"""The `holbrook` command: the window with no sub-command, otherwise the command line for HR and IT."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from holbrook_desktop import APP_NAME, __version__
from holbrook_desktop.core import paths
from holbrook_desktop.core.content.diagnostics import Severity
from holbrook_desktop.core.hr.roles import ROLES

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _add_global_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """--data-dir and --content: given before the command, or after it, they mean the same."""
    default = argparse.SUPPRESS if suppress else None  # a sub-command never overwrites with None
    parser.add_argument(
        "--data-dir", metavar="DIR", default=default,
        help=f"folder for the app's records (default: ${paths.DATA_DIR_ENV} or the per-user folder)",
    )
    parser.add_argument(
        "--content", metavar="DIR", default=default,
        help=f"content folder to use (default: ${paths.CONTENT_DIR_ENV} or the one shipped)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="holbrook",
        description=f"{APP_NAME}. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_global_options(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail to stderr")
    parser.add_argument(
        "--self-test", action="store_true",
        help="check this installation and exit: load the content, open a temporary database, draw "
             "the window off screen (exit 0 if all is well, 1 if not)",
    )
    commands = parser.add_subparsers(dest="noun", metavar="COMMAND")

    def command(group, name: str, help_text: str) -> argparse.ArgumentParser:
        sub = group.add_parser(name, help=help_text)
        _add_global_options(sub, suppress=True)
        return sub

    content = commands.add_parser("content", help="check or show the content folder")
    content_verbs = content.add_subparsers(dest="verb", metavar="VERB", required=True)
    check = command(content_verbs, "check", "validate the content; exit 1 on any error")
    check.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    check.set_defaults(handler=_content_check)
    show = command(content_verbs, "show", "print the handbook's structure")
    show.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    show.set_defaults(handler=_content_show)
    install = command(content_verbs, "install",
                      "check a new content folder (a new policy version) and use it from now on")
    install.add_argument("folder", metavar="DIR", type=Path, help="the new content folder")
    install.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    install.set_defaults(handler=_content_install)
    reset = command(content_verbs, "reset", "go back to the content shipped with the app")
    reset.set_defaults(handler=_content_reset)

    search = command(commands, "search", "search the handbook's clauses")
    search.add_argument("query", nargs="+", help="words to look for")
    search.add_argument("--limit", type=int, default=20, help="at most this many hits (20)")
    search.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    search.set_defaults(handler=_search)

    quiz = commands.add_parser("quiz", help="the scenario quiz banks")
    quiz_verbs = quiz.add_subparsers(dest="verb", metavar="VERB", required=True)
    quiz_list = command(quiz_verbs, "list", "every question: id, clauses, kind, roles")
    quiz_list.add_argument("--policy", metavar="ID", help="only this policy's bank")
    quiz_list.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    quiz_list.set_defaults(handler=_quiz_list)

    staff = commands.add_parser("staff", help="list or add members of staff")
    staff_verbs = staff.add_subparsers(dest="verb", metavar="VERB", required=True)
    staff_list = command(staff_verbs, "list", "the members of staff on record")
    staff_list.add_argument("--all", action="store_true", help="include leavers and inactive records")
    staff_list.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    staff_list.set_defaults(handler=_staff_list)
    staff_add = command(staff_verbs, "add", "add a member of staff")
    staff_add.add_argument("--name", required=True, help="full name, as on their contract")
    staff_add.add_argument("--role", required=True, choices=ROLES, help="their role in the policy's scope")
    staff_add.add_argument("--start-date", type=_iso_date, default=None, metavar="YYYY-MM-DD",
                           help="first day at the school (default: today)")
    staff_add.add_argument("--preferred-name", help="the name they go by")
    staff_add.add_argument("--staff-number", help="HR's staff number")
    staff_add.add_argument("--email", help="work email address")
    staff_add.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    staff_add.set_defaults(handler=_staff_add)
    from holbrook_desktop import cli_staff  # staff import, leavers

    cli_staff.add_commands(staff_verbs, command)

    audit = commands.add_parser("audit", help="check the tamper-evident audit log")
    audit_verbs = audit.add_subparsers(dest="verb", metavar="VERB", required=True)
    verify = command(audit_verbs, "verify", "walk the hash chain; exit 1 at the first bad row")
    verify.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    verify.set_defaults(handler=_audit_verify)

    data_dir = commands.add_parser("data-dir", help="where the records are kept")
    data_dir_verbs = data_dir.add_subparsers(dest="verb", metavar="VERB", required=True)
    show_dir = command(data_dir_verbs, "show", "the data folder in use and why")
    show_dir.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    show_dir.set_defaults(handler=_data_dir_show)
    set_dir = command(data_dir_verbs, "set", "(administrator) use DIR for every account on this PC")
    set_dir.add_argument("folder", metavar="DIR")
    set_dir.set_defaults(handler=_data_dir_set)

    backup = commands.add_parser("backup", help="list or restore backups of the records")
    backup_verbs = backup.add_subparsers(dest="verb", metavar="VERB", required=True)
    backup_list = command(backup_verbs, "list", "backups of the records database, newest first")
    backup_list.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    backup_list.set_defaults(handler=_backup_list)
    restore = command(backup_verbs, "restore", "put the newest backup in place (the current file is kept)")
    restore.set_defaults(handler=_backup_restore)

    from holbrook_desktop import cli_attestation  # acknowledgements, attestation PDFs, signing key

    cli_attestation.add_commands(commands, command)
    from holbrook_desktop import cli_exports

    cli_exports.add_commands(commands, command)
    from holbrook_desktop import cli_admin, cli_demo, cli_retention

    cli_admin.add_commands(commands, command)
    cli_retention.add_commands(commands, command)
    cli_demo.add_commands(commands, command)
    return parser


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written as YYYY-MM-DD") from exc


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # bad usage (2), or --help / --version (0): a status, not an exception
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.self_test:
        from holbrook_desktop.ui.self_test import run_self_test  # Qt is needed to draw the window

        return run_self_test(args)
    if args.noun is None:
        from holbrook_desktop.ui.app import run_gui  # Qt is loaded only for the window

        return run_gui(args)
    # A console that cannot show a character (a curly quote on an old code page) gets a
    # replacement mark rather than a crash.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        return args.handler(args)
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error worth a traceback.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (must stay open until exit)
        return EXIT_OK


def _service(args: argparse.Namespace):
    from holbrook_desktop.app import App

    content_dir = _content_dir(args)
    if not content_dir.is_dir():
        _say(f"holbrook: content folder not found: {content_dir}")
        return None
    return App(content_dir)


def _content_dir(args: argparse.Namespace) -> Path:
    """--content or its variable, else what the data folder uses (a policy loaded by an administrator
    there, or the one shipped); the data folder is only looked for when it can matter."""
    if args.content or os.environ.get(paths.CONTENT_DIR_ENV):
        return paths.content_dir(args.content)
    return paths.content_dir(data_dir=paths.choose_data_dir(args.data_dir, create=False).path)


@contextlib.contextmanager
def _records_service(args: argparse.Namespace):
    """The façade with the records open, or None after saying why."""
    service = _service(args)
    store = _open_records(args) if service is not None else None
    if store is None:
        yield None
        return
    service.use_records(store)
    with contextlib.closing(store):
        yield service


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _content_check(args: argparse.Namespace) -> int:
    service = _service(args)
    if service is None:
        return EXIT_USAGE
    service.quiz.banks  # noqa: B018 (reads the quiz banks so that their problems are reported too)
    diagnostics = service.content.diagnostics
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if args.json:
        _print_json({
            "content_dir": str(service.content.content_dir),
            "ok": errors == 0,
            "errors": errors,
            "warnings": warnings,
            "policies": [{"id": p.id, "sha256": p.sha256} for p in service.content.policies],
            "diagnostics": [d.as_dict() for d in diagnostics],
        })
    else:
        for diagnostic in diagnostics:
            print(diagnostic)
    _say(f"{len(service.content.policies)} policies checked: {errors} errors, {warnings} warnings")
    return EXIT_FAILED if errors else EXIT_OK


def _content_install(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.content.install import ContentRefused

    if not args.folder.is_dir():
        _say(f"holbrook: no such folder: {args.folder}")
        return EXIT_USAGE
    with _records_service(args) as service:
        if service is None:
            return EXIT_USAGE
        try:
            installed = service.content.install(args.folder)
        except ContentRefused as exc:
            check = exc.check
            if args.json and check is not None:
                _print_json({**check.as_dict(), "installed": False})
            for diagnostic in check.errors if check is not None else ():
                _say(str(diagnostic))
            _say(f"holbrook: refused: {exc}")
            return EXIT_FAILED
        if args.json:
            _print_json({**installed.as_dict(), "installed": True})
        for policy in installed.policies:
            _say(f"now in use: {policy.title} ({policy.version}) sha256 {policy.sha256[:12]}")
        _say(f"installed into {installed.folder}; the window reads it at its next start")
        if args.content or os.environ.get(paths.CONTENT_DIR_ENV):
            _say("note: --content or $HOLBROOK_CONTENT_DIR is set, and takes precedence over it")
        return EXIT_OK


def _content_reset(args: argparse.Namespace) -> int:
    with _records_service(args) as service:
        if service is None:
            return EXIT_USAGE
        if service.content.use_shipped():
            _say(f"back to the content shipped with the app: {service.content.content_dir}")
        else:
            _say("this data folder already uses the content shipped with the app")
        return EXIT_OK


def _content_show(args: argparse.Namespace) -> int:
    service = _service(args)
    if service is None:
        return EXIT_USAGE
    _warn_if_broken(service)
    if args.json:
        _print_json(service.content.structure())
        return EXIT_OK
    for policy in service.content.policies:
        print(f"{policy.title} ({policy.meta.version}, effective {policy.meta.effective}) "
              f"[{policy.id}] sha256 {policy.sha256}")
        for section in policy.all_sections():
            indent = "    " if section.parent_number else "  "
            clauses = ", ".join(c.number for c in section.clauses)
            print(f"{indent}{section.heading}" + (f"  ({clauses})" if clauses else ""))
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        _say("holbrook search: --limit must be at least 1")
        return EXIT_USAGE
    service = _service(args)
    if service is None:
        return EXIT_USAGE
    _warn_if_broken(service)
    hits = service.content.search(" ".join(args.query), limit=args.limit)
    if args.json:
        _print_json({"query": " ".join(args.query), "hits": [h.as_dict() for h in hits]})
    else:
        for hit in hits:
            print(f"{hit.clause_id:<22} {hit.marked_snippet()}")
        _say(f"{len(hits)} clauses found")
    return EXIT_OK


def _quiz_list(args: argparse.Namespace) -> int:
    service = _service(args)
    if service is None:
        return EXIT_USAGE
    _warn_if_broken(service)
    banks = [b for policy_id, b in sorted(service.quiz.banks.items())
             if args.policy in (None, policy_id)]
    if args.policy and not banks:
        _say(f"holbrook quiz list: no quiz for policy '{args.policy}'")
        return EXIT_USAGE
    rows = [{"policy": bank.policy_id, "id": q.id, "kind": q.kind, "clauses": list(q.clauses),
             "roles": list(q.roles) or ["everyone"], "prompt": q.prompt}
            for bank in banks for q in bank.questions]
    if args.json:
        _print_json({"questions": rows})
    else:
        for row in rows:
            print(f"{row['policy']}/{row['id']:<40} {row['kind']:<10} {', '.join(row['clauses']):<14} "
                  f"{', '.join(row['roles'])}")
        _say(f"{len(rows)} questions")
    return EXIT_OK


def _open_records(args: argparse.Namespace):
    """The records store, or None after saying why on stderr (a damaged or newer database)."""
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store, StoreError

    folder = paths.data_dir(args.data_dir)
    try:
        return Store.open(folder, Actor.current("cli"))
    except StoreError as exc:
        _say(f"holbrook: {exc}")
        if getattr(exc, "backups", None):
            _say("holbrook: 'holbrook backup restore' puts the newest backup in place.")
        return None
    except OSError as exc:
        _say(f"holbrook: cannot open the records in {folder}: {exc.strerror or exc}")
        return None


def _staff_list(args: argparse.Namespace) -> int:
    store = _open_records(args)
    if store is None:
        return EXIT_USAGE
    with contextlib.closing(store):
        members = store.staff.list(include_inactive=args.all)
    if args.json:
        _print_json({"staff": [dataclasses.asdict(m) for m in members]})
    else:
        for m in members:
            extras = " · ".join(x for x in (m.staff_number, m.work_email) if x)
            print(f"{m.id:>5}  {m.full_name}  ({m.role_label}, from {m.start_date})"
                  + (f"  {extras}" if extras else ""))
        _say(f"{len(members)} members of staff")
    return EXIT_OK


def _staff_add(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.records import NewStaffMember, StoreError

    store = _open_records(args)
    if store is None:
        return EXIT_USAGE
    new = NewStaffMember(full_name=args.name, role=args.role, start_date=args.start_date or date.today(),
                         preferred_name=args.preferred_name, staff_number=args.staff_number,
                         work_email=args.email)
    with contextlib.closing(store):
        try:
            member = store.staff.add(new)
        except (ValueError, StoreError) as exc:
            _say(f"holbrook staff add: {exc}")
            return EXIT_USAGE
    if args.json:
        _print_json(dataclasses.asdict(member))
    else:
        print(member.id)
        _say(f"added {member.full_name} ({member.role_label}) as number {member.id}")
    return EXIT_OK


def _audit_verify(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.attestation.evidence import check_evidence

    store = _open_records(args)
    if store is None:
        return EXIT_USAGE
    with contextlib.closing(store):
        evidence = check_evidence(store)
    report = evidence.chain
    if args.json:
        _print_json(evidence.as_dict())
    elif report.ok:
        print(f"audit log intact: {report.rows} rows, last hash {report.last_hash}")
    else:
        print(f"audit log broken at row {report.first_bad_row}: {report.problem} "
              f"({report.rows} rows before it verify)")
    if not args.json:
        for problem in evidence.problems:
            print(f"FAIL {problem}")
        for note in evidence.notes:
            print(f"note {note}")
        _say(f"{evidence.pdfs_checked} signed PDFs checked against the records and the log: "
             + ("all anchored in it" if not evidence.problems else
                f"{len(evidence.problems)} problem{'' if len(evidence.problems) == 1 else 's'}"))
    return EXIT_OK if evidence.ok else EXIT_FAILED


def _data_dir_show(args: argparse.Namespace) -> int:
    choice = paths.choose_data_dir(args.data_dir)
    if args.json:
        _print_json({"data_dir": str(choice.path), "source": choice.source,
                     "machine_config": str(paths.machine_config_path())})
    else:
        print(choice.path)
        _say(f"chosen by: {choice.source}")
    return EXIT_OK


def _data_dir_set(args: argparse.Namespace) -> int:
    folder = Path(args.folder).expanduser().resolve()
    config = paths.machine_config_path()
    try:
        config = paths.write_machine_data_dir(folder, written_by="'holbrook data-dir set'")
    except OSError as exc:
        _say(f"holbrook data-dir set: cannot write {config} ({exc.strerror or exc}); "
             "run it as the PC's administrator")
        return EXIT_USAGE
    _say(f"every account on this PC now uses {folder} (set in {config})")
    return EXIT_OK


def _backup_list(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.records import backups
    from holbrook_desktop.core.records.database import DATABASE_FILE

    found = backups.existing_backups(paths.data_dir(args.data_dir) / DATABASE_FILE)
    if args.json:
        _print_json({"backups": [{"file": str(p), "bytes": p.stat().st_size} for p in found]})
    else:
        for backup_file in found:
            print(backup_file)
        _say(f"{len(found)} backups")
    return EXIT_OK


def _backup_restore(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.records import Store

    folder = paths.data_dir(args.data_dir)
    try:
        used = Store.restore_newest_backup(folder)
    except (FileNotFoundError, OSError) as exc:
        _say(f"holbrook backup restore: {exc}")
        return EXIT_USAGE
    _say(f"restored {used.name}; the file it replaced is kept beside it as holbrook.db.damaged-…")
    return EXIT_OK


def _print_json(data: object) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    print()


def _warn_if_broken(service) -> None:
    if not service.content.ok:
        _say("holbrook: the content has errors; run 'holbrook content check' for details")


if __name__ == "__main__":
    sys.exit(main())
