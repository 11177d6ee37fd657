"""`holbrook staff …`: list, add and edit members of staff, import HR's staff list, mark leavers."""

from __future__ import annotations

import argparse
import dataclasses
from datetime import date
from pathlib import Path

from holbrook_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    date_option,
    declare_output,
    print_json,
    records_app,
    records_only,
    say,
)
from holbrook_desktop.core.hr.roles import ROLES

ACTION_WORDS = {"create": "add", "update": "update", "unchanged": "unchanged", "reject": "REJECTED"}


def register(commands) -> None:
    staff_verbs = add_noun(commands, "staff", "list or add members of staff")
    staff_list = add_command(staff_verbs, "list", "the members of staff on record")
    staff_list.add_argument("--all", action="store_true", help="include leavers and inactive records")
    add_json_option(staff_list)
    staff_list.set_defaults(handler=_staff_list)
    staff_add = add_command(staff_verbs, "add", "add a member of staff", requires_admin=True)
    staff_add.add_argument("--name", required=True, help="full name, as on their contract")
    staff_add.add_argument("--role", required=True, choices=ROLES, help="their role in the policy's scope")
    staff_add.add_argument("--start-date", type=date_option, default=None, metavar="DATE",
                           help="first day at the school, DD/MM/YYYY or YYYY-MM-DD (default: today)")
    staff_add.add_argument("--preferred-name", help="the name they go by")
    staff_add.add_argument("--staff-number", help="HR's staff number")
    staff_add.add_argument("--email", help="work email address")
    add_json_option(staff_add)
    staff_add.set_defaults(handler=_staff_add)

    load = add_command(staff_verbs, "import",
                       "add and update staff from HR's CSV or Excel file (a report row by row)",
                       requires_admin=True)
    load.add_argument("file", type=Path, metavar="FILE",
                      help="a CSV (UTF-8 best) or an Excel workbook (.xlsx); columns matched by heading: "
                           "name, role, staff number, email, start date, leaving date (see the README)")
    load.add_argument("--rejected-out", type=Path, metavar="FILE.csv",
                      help="save the rejected rows here, with a 'problem' column, to fix and import again")
    declare_output(load, "rejected_out")  # never over the records (cli/__init__.py checks it)
    load.add_argument("--dry-run", action="store_true", help="only report what would happen; write nothing")
    load.add_argument("--all-or-nothing", action="store_true",
                      help="import nothing if any row is rejected (exit 1)")
    add_json_option(load)
    load.set_defaults(handler=_staff_import)

    leave = add_command(staff_verbs, "leave", "record the day someone leaves (nothing is erased)",
                        requires_admin=True)
    leave.add_argument("staff_id", type=int, metavar="STAFF_ID", help="their number in 'holbrook staff list'")
    leave.add_argument("--date", required=True, type=date_option, metavar="DATE",
                       help="their last working day, DD/MM/YYYY or YYYY-MM-DD (a leaver from the day after)")
    leave.add_argument("--yes", action="store_true",
                       help="set it even though it is before their last acknowledgement")
    add_json_option(leave)
    leave.set_defaults(handler=_staff_leave)

    edit = add_command(staff_verbs, "edit", "change what is on record about someone (audited field by field)",
                       requires_admin=True)
    edit.add_argument("staff_id", type=int, metavar="STAFF_ID", help="their number in 'holbrook staff list'")
    edit.add_argument("--name", help="full name, as on their contract")
    edit.add_argument("--preferred-name", help="the name they go by")
    edit.add_argument("--role", choices=ROLES, help="their role in the policy's scope")
    edit.add_argument("--staff-number", help="HR's staff number")
    edit.add_argument("--email", help="work email address")
    edit.add_argument("--start-date", type=date_option, metavar="DATE",
                      help="first day at the school, DD/MM/YYYY or YYYY-MM-DD")
    edit.add_argument("--leaving-date", type=date_option, metavar="DATE",
                      help="their last working day, DD/MM/YYYY or YYYY-MM-DD")
    edit.add_argument("--yes", action="store_true",
                      help="set a leaving date even though it is before their last acknowledgement")
    add_json_option(edit)
    edit.set_defaults(handler=_staff_edit)


def _staff_list(args: argparse.Namespace) -> int:
    with records_only(args) as store:
        if store is None:
            return EXIT_USAGE
        members = store.staff.list(include_inactive=args.all)
    if args.json:
        print_json({"staff": [dataclasses.asdict(m) for m in members]})
    else:
        for m in members:
            extras = " · ".join(x for x in (m.staff_number, m.work_email) if x)
            print(f"{m.id:>5}  {m.full_name}  ({m.role_label}, from {m.start_date})"
                  + (f"  {extras}" if extras else ""))
        say(f"{len(members)} members of staff")
    return EXIT_OK


def _staff_add(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.records import NewStaffMember, StoreError

    with records_only(args) as store:
        if store is None:
            return EXIT_USAGE
        new = NewStaffMember(full_name=args.name, role=args.role, start_date=args.start_date or date.today(),
                             preferred_name=args.preferred_name, staff_number=args.staff_number,
                             work_email=args.email)
        try:
            member = store.staff.add(new)
        except (ValueError, StoreError) as exc:
            say(f"holbrook staff add: {exc}")
            return EXIT_USAGE
    if args.json:
        print_json(dataclasses.asdict(member))
    else:
        print(member.id)
        say(f"added {member.full_name} ({member.role_label}) as number {member.id}")
    return EXIT_OK


def _staff_import(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.hr.staff_import import StaffImportFileError, StaffImportStale
    from holbrook_desktop.core.records import StoreError

    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        try:
            plan = app.hr.plan_staff_import(args.file)
        except StaffImportFileError as exc:
            say(f"holbrook staff import: {exc}")
            return EXIT_USAGE
        result = None
        failure = None
        if not args.dry_run:
            try:
                result = app.hr.apply_staff_import(plan, all_or_nothing=args.all_or_nothing)
            except StaffImportStale as exc:
                failure = str(exc)
            except (StoreError, ValueError) as exc:  # a full disk, a read-only folder: all rolled back
                failure = f"Nothing was imported: {exc}"
    rejected_out = None
    if args.rejected_out is not None and plan.count("reject"):
        from holbrook_desktop.core.hr.staff_import import write_rejected

        try:
            write_rejected(plan, args.rejected_out)
            rejected_out = str(args.rejected_out)
        except OSError as exc:
            failure = (failure + " " if failure else "") + \
                f"The rejected rows could not be saved to {args.rejected_out}: {exc.strerror or exc}."
    if args.json:
        print_json({**plan.as_dict(), "dry_run": args.dry_run, "rejected_out": rejected_out,
                    "result": result.as_dict() if result else None, "failure": failure})
    else:
        _print_report(plan)
    for note in plan.notes:
        say(note)
    if plan.ignored_columns:
        say("Columns ignored: " + ", ".join(plan.ignored_columns))
    if rejected_out:
        say(f"The {plan.count('reject')} rejected rows are in {rejected_out}, with a 'problem' column: "
            "fix them there and import that file.")
    if failure:
        say(failure)
        return EXIT_FAILED
    if result is None:
        say(f"Dry run: {plan.summary()}. Nothing was written.")
        return EXIT_OK
    say(result.summary())
    if result.refused:
        say("Fix the rejected rows in the file (or leave out --all-or-nothing) and import it again.")
        return EXIT_FAILED
    if result.rejected:
        say("Fix the rejected rows in the file and import it again: the people already imported "
            "will show as unchanged.")
    # Every row rejected: nothing could be imported, which a script should notice.
    return EXIT_FAILED if result.rejected and not result.written else EXIT_OK


def _print_report(plan) -> None:
    print(f"{'line':>5}  {'action':<9}  {'name':<28}  what happens")
    for row in plan.rows:
        name = f"{row.name} (id {row.staff_id})" if row.staff_id and not row.rejected else row.name
        print(f"{row.line:>5}  {ACTION_WORDS[row.action]:<9}  {name:<28}  {row.describe()}")
        for warning in row.warnings:
            print(f"{'':>5}  {'':<9}  {'':<28}  check: {warning}")


EDIT_OPTIONS = {"name": "full_name", "preferred_name": "preferred_name", "role": "role",
                "staff_number": "staff_number", "email": "work_email", "start_date": "start_date",
                "leaving_date": "leaving_date"}


def _staff_edit(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.errors import Refused
    from holbrook_desktop.core.hr.staff_edit import NeedsConfirmation
    from holbrook_desktop.core.records import StoreError

    changes = {field: getattr(args, option) for option, field in EDIT_OPTIONS.items()
               if getattr(args, option) is not None}
    if not changes:
        say("holbrook staff edit: say what to change, e.g. --name 'Ann Archer' or --email ann@school.org")
        return EXIT_USAGE
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        before = app.require_records().staff.get(args.staff_id)
        try:
            member = app.hr.update_staff(args.staff_id, changes, confirmed=args.yes)
        except NeedsConfirmation as exc:
            say(f"holbrook staff edit: {exc} Give --yes to set it anyway; nothing was changed.")
            return EXIT_USAGE
        except Refused as exc:
            say(f"holbrook staff edit: {exc} Nothing was changed.")
            return EXIT_USAGE
        except StoreError as exc:
            say(f"holbrook staff edit: {exc}")
            return EXIT_FAILED
    assert before is not None
    changed = {field: (getattr(before, field), getattr(member, field)) for field in EDIT_OPTIONS.values()
               if getattr(before, field) != getattr(member, field)}
    if args.json:
        print_json({**dataclasses.asdict(member),
                    "changed": {field: {"old": old, "new": new} for field, (old, new) in changed.items()}})
    else:
        for field, (old, new) in changed.items():
            print(f"{field.replace('_', ' ')}: {old or '(none)'} → {new}")
    say(f"{member.full_name} (id {member.id}): {len(changed)} fields changed" if changed
        else "nothing differed; nothing was changed")
    return EXIT_OK


def _staff_leave(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.dates import has_left
    from holbrook_desktop.core.hr.staff_edit import NeedsConfirmation
    from holbrook_desktop.core.hr.staff_import import shown
    from holbrook_desktop.core.records import StoreError

    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        try:
            member = app.hr.mark_leaver(args.staff_id, args.date, confirmed=args.yes)
        except NeedsConfirmation as exc:
            say(f"holbrook staff leave: {exc} Give --yes to set it anyway; nothing was changed.")
            return EXIT_USAGE
        except KeyError:
            say(f"holbrook staff leave: nobody on record has the number {args.staff_id} "
                "(see 'holbrook staff list --all')")
            return EXIT_USAGE
        except ValueError as exc:
            say(f"holbrook staff leave: {exc}")
            return EXIT_USAGE
        except StoreError as exc:
            say(f"holbrook staff leave: {exc}")
            return EXIT_FAILED
    if args.json:
        print_json(dataclasses.asdict(member))
    else:
        print(f"{member.full_name} (id {member.id}) leaves on {shown(args.date)}.")
    if not has_left(args.date, date.today()):
        say("Until then they are still due to acknowledge policies; afterwards they count as a leaver.")
    else:
        say("They now count as a leaver. Nothing about them has been erased.")
    return EXIT_OK
