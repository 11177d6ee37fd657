"""`holbrook records recover`: acknowledgements a restore from an older backup took away, put back
from their signed PDFs."""

from __future__ import annotations

import argparse

from holbrook_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    print_json,
    records_only,
    recover_from_pdfs,
    say,
)


def register(commands) -> None:
    records_verbs = add_noun(commands, "records", "recover acknowledgements from their signed PDFs")
    recover = add_command(
        records_verbs, "recover",
        "put back on record each signed PDF in attestations/ that no record names (after a restore "
        "from an older backup): its signature checked against the school's keys; exit 1 if any "
        "PDF could not be used")
    add_json_option(recover)
    recover.set_defaults(handler=_records_recover)


def _records_recover(args: argparse.Namespace) -> int:
    with records_only(args) as store:
        if store is None:
            return EXIT_USAGE
        report = recover_from_pdfs(store)
    if args.json:
        print_json(report.as_dict())
    if not report.recovered and not report.refused:
        say("every signed PDF in the data folder is on record: nothing to recover")
    else:
        say(f"{len(report.recovered)} acknowledgement{'' if len(report.recovered) == 1 else 's'} recovered"
            + (f"; {len(report.refused)} signed PDF{'' if len(report.refused) == 1 else 's'} could not be "
               "used "
               "(kept where they are)" if report.refused else ""))
    return EXIT_OK if report.ok else EXIT_FAILED
