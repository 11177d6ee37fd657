"""`holbrook retention …` and `holbrook subject-access export`: UK GDPR duties for leavers' data."""

from __future__ import annotations

import argparse
import sys
from datetime import date

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

CONFIRM_WORD = "erase"


def register(commands) -> None:
    verbs = add_noun(commands, "retention", "erase leavers' personal data after the retention period")
    show = add_command(verbs, "show",
                       "who is due to be erased, and what is held about them (nothing is written)")
    add_json_option(show)
    show.set_defaults(handler=_retention_show)
    apply = add_command(verbs, "apply", "erase the personal data of everyone 'retention show' lists",
                        requires_admin=True)
    apply.add_argument("--yes", action="store_true",
                       help=f"do not ask (otherwise you are asked to type '{CONFIRM_WORD}')")
    add_json_option(apply)
    apply.set_defaults(handler=_retention_apply)

    access_verbs = add_noun(commands, "subject-access", "a copy of everything held about one person")
    export = add_command(
        access_verbs, "export",
        "write their records (JSON), signed PDFs and signatures into a new folder inside DIR",
        requires_admin=True)
    export.add_argument("staff_id", type=int, metavar="STAFF_ID",
                        help="their number in 'holbrook staff list'")
    add_output_option(export, folder=True, help_text="the folder to make the new folder in")
    add_json_option(export)
    export.set_defaults(handler=_subject_access_export)


def _retention_show(args: argparse.Namespace) -> int:
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        plan = app.hr.retention_plan(today=date.today())
    if args.json:
        print_json(plan.as_dict())
    else:
        _print_plan(plan, sys.stdout)
    for problem in plan.problems:
        say(problem)
    say(_plan_summary(plan) + " Nothing was written.")
    return EXIT_OK


def _retention_apply(args: argparse.Namespace) -> int:
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        plan = app.hr.retention_plan(today=date.today())
        for problem in plan.problems:
            say(problem)
        if not plan.people:
            if args.json:
                print_json({"plan": plan.as_dict(), "result": None})
            say(_plan_summary(plan))
            return EXIT_OK
        if not args.yes:
            if not sys.stdin.isatty():
                say("holbrook retention apply: this erases personal data for good; run it in a terminal "
                    "to confirm, or give --yes. Nothing was erased.")
                return EXIT_USAGE
            _print_plan(plan, sys.stderr)
            answer = input(f"Type '{CONFIRM_WORD}' to erase the personal data of "
                           f"{_people(len(plan.people))} for good: ")
            if answer.strip().lower() != CONFIRM_WORD:
                say("Nothing was erased.")
                return EXIT_FAILED
        result = app.hr.apply_retention(plan)
    if args.json:
        print_json({"plan": plan.as_dict(), "result": result.as_dict()})
    else:
        names = {p.staff_id: p.full_name for p in plan.people}
        for person in result.erased:
            print(f"{person.staff_id:>5}  erased ({names[person.staff_id]}): {person.acknowledgements} "
                  f"acknowledgements, {person.signed_pdfs_deleted} signed PDFs deleted, "
                  f"{person.audit_rows_erased} audit entries cleared (audit row {person.audit_row})")
        for refusal in result.refused:
            print(f"{refusal.staff_id:>5}  NOT erased ({names[refusal.staff_id]}): {refusal.reason}")
    say(f"Erased the personal data of {_people(len(result.erased))}"
        + (f"; {len(result.refused)} not erased (see above)." if result.refused else "."))
    for note in (result.file_note, result.backups_note()):
        if note:
            say(note)
    return EXIT_FAILED if result.refused else EXIT_OK


def _subject_access_export(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.hr.subject_access import UnknownStaff
    from holbrook_desktop.core.records import SignedPdfUnusable

    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        try:
            folder = app.hr.subject_access_export(args.staff_id, args.output)
        except UnknownStaff as exc:
            say(f"holbrook subject-access export: {exc}")
            return EXIT_USAGE
        except SignedPdfUnusable as exc:
            say(f"holbrook subject-access export: refused: {exc} Nothing was written.")
            return EXIT_FAILED
        except OSError as exc:
            say(f"holbrook subject-access export: cannot write in {args.output}: {exc.strerror or exc}")
            return EXIT_USAGE
    files = sorted(p.name for p in folder.iterdir())
    if args.json:
        print_json({"folder": str(folder), "files": files})
    else:
        print(folder)
        say(f"wrote {len(files)} files about number {args.staff_id}; they contain personal data: "
            "keep them safe and delete them when no longer needed")
    return EXIT_OK


def _print_plan(plan, stream) -> None:
    for person in plan.people:
        print(f"{person.staff_id:>5}  {person.full_name}  ({person.role_label}, left {person.leaving_date}): "
              f"{person.acknowledgements} acknowledgements, {person.signed_pdfs} signed PDFs, "
              f"{person.quiz_attempts} quiz attempts, {person.reading_progress} sections read", file=stream)
        if person.refusal:
            print(f"       will NOT be erased: {person.refusal}", file=stream)


def _plan_summary(plan) -> str:
    if not plan.people:
        return f"Nobody is due to be erased (leavers' records are kept for {plan.years} years)."
    verbs = ("left", "is") if len(plan.people) == 1 else ("left", "are")
    return (f"{_people(len(plan.people))} {verbs[0]} at least {plan.years} years ago and {verbs[1]} due to "
            "have their personal data erased.")


def _people(count: int) -> str:
    return "1 person" if count == 1 else f"{count} people"
