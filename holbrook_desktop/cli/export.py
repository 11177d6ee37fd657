"""`holbrook export …`: HR's exports: who has acknowledged which version, who is due, the signed
PDFs, the governors' report and the reminder list."""

from __future__ import annotations

import argparse

from holbrook_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    add_output_option,
    date_option,
    print_json,
    records_app,
    say,
)

STATUSES = ("acknowledged", "due soon", "overdue", "never", "leaver")
PROGRESS_EVERY = 100  # files between progress lines on stderr


def register(commands) -> None:
    verbs = add_noun(commands, "export", "spreadsheets for HR")
    acknowledgements = add_command(verbs, "acknowledgements",
                                   "one row per person and policy: status, version acknowledged, dates",
                                   requires_admin=True)
    acknowledgements.add_argument("--format", choices=("csv", "xlsx"), default=None,
                                  help="csv (UTF-8 for Excel) or xlsx; default: from the file's name")
    add_output_option(acknowledgements)
    acknowledgements.add_argument("--status", action="append", choices=STATUSES, metavar="STATUS",
                                  help=f"only these (repeatable): {', '.join(STATUSES)}")
    acknowledgements.add_argument("--policy", metavar="ID", help="only this policy")
    acknowledgements.add_argument("--as-of", type=date_option, metavar="DATE",
                                  help="each person's status on that day, from the records' history")
    acknowledgements.set_defaults(handler=_export_acknowledgements)

    attestations = add_command(verbs, "attestations",
                               "copy every signed PDF into a folder, named surname-firstname_policy_date.pdf",
                               requires_admin=True)
    add_output_option(attestations, folder=True,
                      help_text="the folder to copy into (made if missing; nothing in it is overwritten)")
    attestations.add_argument("--since", type=date_option, metavar="DATE",
                              help="only those acknowledged on or after this day (YYYY-MM-DD or DD/MM/YYYY)")
    add_json_option(attestations)
    attestations.set_defaults(handler=_export_attestations)

    report = add_command(verbs, "report", "the governors' printable status report (PDF)",
                         requires_admin=True)
    add_output_option(report, metavar="FILE.pdf")
    report.add_argument("--policy", metavar="ID", help="only this policy")
    report.add_argument("--as-of", type=date_option, metavar="DATE",
                        help="the report as it stood on that day (who was overdue then), "
                             "from the records' history")
    report.set_defaults(handler=_export_report)

    reminders = add_command(verbs, "reminders", "who is overdue or due soon, with emails, to remind them",
                            requires_admin=True)
    reminders.add_argument("--policy", metavar="ID", help="only this policy")
    reminders.add_argument("--mailto", action="store_true",
                           help="print mailto: links instead (Bcc; one a line, several for a long list)")
    add_json_option(reminders)
    reminders.set_defaults(handler=_export_reminders)


def _unknown_policy(app, args: argparse.Namespace) -> bool:
    if args.policy and app.content.policy(args.policy) is None:
        say(f"holbrook export {args.verb}: no policy '{args.policy}'")
        return True
    return False


def _export_acknowledgements(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.hr.exports import filtered, write_csv, write_xlsx

    chosen = args.format or args.output.suffix.lower().lstrip(".")
    if chosen not in ("csv", "xlsx"):
        say("holbrook export acknowledgements: say --format csv or --format xlsx "
            "(or name the file .csv or .xlsx)")
        return EXIT_USAGE
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        if args.policy and app.content.policy(args.policy) is None:
            say(f"holbrook export acknowledgements: no policy '{args.policy}'")
            return EXIT_USAGE
        if _future(app, args):
            return EXIT_USAGE
        statuses = filtered(app.hr.statuses(args.policy, as_of=args.as_of),
                            set(args.status) if args.status else None)
        rows = app.hr.acknowledgement_rows(statuses)
        try:
            count = (write_csv if chosen == "csv" else write_xlsx)(rows, args.output)
        except OSError as exc:
            say(f"holbrook export acknowledgements: cannot write {args.output}: {exc.strerror or exc}")
            return EXIT_USAGE
        app.hr.record_export("acknowledgements", count, args.output.resolve())
    say(f"wrote {count} rows to {args.output}")
    return EXIT_OK


def _export_attestations(args: argparse.Namespace) -> int:
    def progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 and done < total:
            say(f"{done} of {total} copied or checked…")

    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        try:
            result = app.attestation.export(args.output, since=args.since, progress=progress)
        except ValueError as exc:
            say(f"holbrook export attestations: {exc}")
            return EXIT_USAGE
        except OSError as exc:
            where = exc.filename or args.output
            say(f"holbrook export attestations: cannot write {where}: {exc.strerror or exc}")
            return EXIT_USAGE
        app.hr.record_export("attestations", result.copied + result.skipped_identical, result.folder)
    if args.json:
        print_json(result.as_dict())
    for record_id, reason in result.missing:
        say(f"record {record_id}: not copied: {reason}")
    say(f"copied {result.copied} signed PDFs to {result.folder}; {result.skipped_identical} were "
        f"already there; {len(result.missing)} could not be copied")
    return EXIT_FAILED if result.missing else EXIT_OK


def _export_report(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.files import write_whole

    with records_app(args) as app:
        if app is None or _unknown_policy(app, args):
            return EXIT_USAGE
        if _future(app, args):
            return EXIT_USAGE
        statuses = app.hr.statuses(args.policy, as_of=args.as_of)
        pdf = app.hr.status_report_pdf(statuses, as_of=args.as_of)
        try:
            write_whole(args.output, pdf)
        except OSError as exc:
            say(f"holbrook export report: cannot write {args.output}: {exc.strerror or exc}")
            return EXIT_USAGE
        app.hr.record_export("report", len({s.member.id for s in statuses}), args.output.resolve())
    say(f"wrote the status report ({_people(len({s.member.id for s in statuses}))}) to {args.output}")
    return EXIT_OK


def _export_reminders(args: argparse.Namespace) -> int:
    with records_app(args) as app:
        if app is None or _unknown_policy(app, args):
            return EXIT_USAGE
        reminders = app.hr.reminder_list(app.hr.statuses(args.policy, include_leavers=False))
        app.hr.record_export("reminders", len(reminders.entries) + len(reminders.without_email), "stdout")
    if args.json:
        print_json({**reminders.as_dict(), "mailto": reminders.mailto_urls()})
    elif args.mailto:
        for url in reminders.mailto_urls():
            print(url)
    else:
        print(reminders.as_text(), end="")
    say(f"{_people(len(reminders.entries) + len(reminders.without_email))} to remind; "
        f"{len(reminders.without_email)} with no email on record (remind them in person)")
    return EXIT_OK


def _future(app, args: argparse.Namespace) -> bool:
    """--as-of today is today's report; a day to come has no records yet."""
    if args.as_of is not None and args.as_of >= app.today():
        if args.as_of > app.today():
            say(f"holbrook export {args.verb}: --as-of {args.as_of.isoformat()} is in the future: "
                "the records can only say how things stood up to today")
            return True
        args.as_of = None
    return False


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"
