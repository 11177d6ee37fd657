"""The `holbrook` command: the window with no sub-command, otherwise the command line for HR and IT.

One module per noun (`content`, `staff`, `export` …), each with `register(commands)`; what they
share is public in `cli.common`, and no command module imports another.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from holbrook_desktop import APP_NAME, __version__
from holbrook_desktop.cli import (
    admin,
    attestation,
    audit,
    backup,
    content,
    data_dir,
    demo,
    export,
    quiz,
    records,
    retention,
    school,
    search,
    signing,
    staff,
    sync,
)
from holbrook_desktop.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    add_global_options,
    admin_refusal,
    refuse_output_in_data_folder,
)

# In this order in `holbrook --help`.
NOUNS = (content, search, quiz, staff, audit, data_dir, backup, records, attestation, signing, export,
         admin, retention, demo, sync, school)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="holbrook",
        description=f"{APP_NAME}. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_global_options(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail to stderr")
    parser.add_argument(
        "--self-test", action="store_true",
        help="check this installation and exit: load the content, open a temporary database, draw "
             "the window off screen (exit 0 if all is well, 1 if not)",
    )
    commands = parser.add_subparsers(dest="noun", metavar="COMMAND")
    for noun in NOUNS:
        noun.register(commands)
    return parser


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
    refused = refuse_output_in_data_folder(args)  # every command's output, before it writes anything
    if refused is not None:
        return refused
    if getattr(args, "requires_admin", False):
        refused = admin_refusal(args)
        if refused is not None:
            return refused
    try:
        return args.handler(args)
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error worth a traceback.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (must stay open until exit)
        return EXIT_OK
