"""`holbrook staff import` and `holbrook staff leave`: HR's staff list in, leavers marked."""

from __future__ import annotations

import argparse
import dataclasses
from datetime import date
from pathlib import Path

from holbrook_desktop import cli
from holbrook_desktop.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE
from holbrook_desktop.cli_attestation import Command

ACTION_WORDS = {"create": "add", "update": "update", "unchanged": "unchanged", "reject": "REJECTED"}


def add_commands(staff_verbs, command: Command) -> None:
    """Called by cli.build_parser with the `staff` noun's sub-parsers."""
    load = command(staff_verbs, "import", "add and update staff from HR's CSV file (a report row by row)")
    load.add_argument("file", type=Path, metavar="FILE.csv",
                      help="columns matched by heading: name, role, staff number, email, start date, "
                           "leaving date (see the README)")
    load.add_argument("--dry-run", action="store_true", help="only report what would happen; write nothing")
    load.add_argument("--all-or-nothing", action="store_true",
                      help="import nothing if any row is rejected (exit 1)")
    load.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    load.set_defaults(handler=_staff_import)

    leave = command(staff_verbs, "leave", "record the day someone leaves (nothing is erased)")
    leave.add_argument("staff_id", type=int, metavar="STAFF_ID", help="their number in 'holbrook staff list'")
    leave.add_argument("--date", required=True, type=cli.date_option, metavar="DATE",
                       help="their last working day, DD/MM/YYYY or YYYY-MM-DD (a leaver from the day after)")
    leave.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    leave.set_defaults(handler=_staff_leave)


def _staff_import(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.hr.staff_import import StaffImportFileError, StaffImportStale
    from holbrook_desktop.core.records import StoreError

    with cli._records_service(args) as service:
        if service is None:
            return EXIT_USAGE
        try:
            plan = service.hr.plan_staff_import(args.file)
        except StaffImportFileError as exc:
            cli._say(f"holbrook staff import: {exc}")
            return EXIT_USAGE
        result = None
        failure = None
        if not args.dry_run:
            try:
                result = service.hr.apply_staff_import(plan, all_or_nothing=args.all_or_nothing)
            except StaffImportStale as exc:
                failure = str(exc)
            except (StoreError, ValueError) as exc:  # a full disk, a read-only folder: all rolled back
                failure = f"Nothing was imported: {exc}"
    if args.json:
        cli._print_json({**plan.as_dict(), "dry_run": args.dry_run,
                         "result": result.as_dict() if result else None, "failure": failure})
    else:
        _print_report(plan)
    for note in plan.notes:
        cli._say(note)
    if plan.ignored_columns:
        cli._say("Columns ignored: " + ", ".join(plan.ignored_columns))
    if failure:
        cli._say(failure)
        return EXIT_FAILED
    if result is None:
        cli._say(f"Dry run: {plan.summary()}. Nothing was written.")
        return EXIT_OK
    cli._say(result.summary())
    if result.refused:
        cli._say("Fix the rejected rows in the file (or leave out --all-or-nothing) and import it again.")
        return EXIT_FAILED
    if result.rejected:
        cli._say("Fix the rejected rows in the file and import it again: the people already imported "
                 "will show as unchanged.")
    # Every row rejected: nothing could be imported, which a script should notice.
    return EXIT_FAILED if result.rejected and not result.written else EXIT_OK


def _print_report(plan) -> None:
    print(f"{'line':>5}  {'action':<9}  {'name':<28}  what happens")
    for row in plan.rows:
        name = f"{row.name} (id {row.staff_id})" if row.staff_id and not row.rejected else row.name
        print(f"{row.line:>5}  {ACTION_WORDS[row.action]:<9}  {name:<28}  {row.describe()}")


def _staff_leave(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.dates import has_left
    from holbrook_desktop.core.hr.staff_import import shown
    from holbrook_desktop.core.records import StoreError

    with cli._records_service(args) as service:
        if service is None:
            return EXIT_USAGE
        try:
            member = service.hr.mark_leaver(args.staff_id, args.date)
        except KeyError:
            cli._say(f"holbrook staff leave: nobody on record has the number {args.staff_id} "
                     "(see 'holbrook staff list --all')")
            return EXIT_USAGE
        except ValueError as exc:
            cli._say(f"holbrook staff leave: {exc}")
            return EXIT_USAGE
        except StoreError as exc:
            cli._say(f"holbrook staff leave: {exc}")
            return EXIT_FAILED
    if args.json:
        cli._print_json(dataclasses.asdict(member))
    else:
        print(f"{member.full_name} (id {member.id}) leaves on {shown(args.date)}.")
    if not has_left(args.date, date.today()):
        cli._say("Until then they are still due to acknowledge policies; afterwards they count as a leaver.")
    else:
        cli._say("They now count as a leaver. Nothing about them has been erased.")
    return EXIT_OK
