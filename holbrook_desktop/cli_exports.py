"""The command line for HR's exports: who has acknowledged which version, and who is due."""

from __future__ import annotations

import argparse
from pathlib import Path

from holbrook_desktop import cli
from holbrook_desktop.cli import EXIT_OK, EXIT_USAGE
from holbrook_desktop.cli_attestation import Command

STATUSES = ("acknowledged", "due soon", "overdue", "never", "leaver")


def add_commands(commands, command: Command) -> None:
    export = commands.add_parser("export", help="spreadsheets for HR")
    verbs = export.add_subparsers(dest="verb", metavar="VERB", required=True)
    acknowledgements = command(verbs, "acknowledgements",
                               "one row per person and policy: status, version acknowledged, dates")
    acknowledgements.add_argument("--format", choices=("csv", "xlsx"), default=None,
                                  help="csv (UTF-8 for Excel) or xlsx; default: from the file's name")
    acknowledgements.add_argument("-o", "--output", type=Path, required=True, metavar="FILE")
    acknowledgements.add_argument("--status", action="append", choices=STATUSES, metavar="STATUS",
                                  help=f"only these (repeatable): {', '.join(STATUSES)}")
    acknowledgements.add_argument("--policy", metavar="ID", help="only this policy")
    acknowledgements.set_defaults(handler=_export_acknowledgements)


def _export_acknowledgements(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.exports import filtered, write_csv, write_xlsx

    chosen = args.format or args.output.suffix.lower().lstrip(".")
    if chosen not in ("csv", "xlsx"):
        cli._say("holbrook export acknowledgements: say --format csv or --format xlsx "
                 "(or name the file .csv or .xlsx)")
        return EXIT_USAGE
    with cli._records_service(args) as service:
        if service is None:
            return EXIT_USAGE
        if args.policy and service.policy(args.policy) is None:
            cli._say(f"holbrook export acknowledgements: no policy '{args.policy}'")
            return EXIT_USAGE
        statuses = filtered(service.statuses(args.policy), set(args.status) if args.status else None)
        rows = service.acknowledgement_rows(statuses)
    try:
        count = (write_csv if chosen == "csv" else write_xlsx)(rows, args.output)
    except OSError as exc:
        cli._say(f"holbrook export acknowledgements: cannot write {args.output}: {exc.strerror or exc}")
        return EXIT_USAGE
    cli._say(f"wrote {count} rows to {args.output}")
    return EXIT_OK
