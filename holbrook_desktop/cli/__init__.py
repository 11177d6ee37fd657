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
from holbrook_desktop.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    add_global_options,
    admin_refusal,
    refuse_output_in_data_folder,
)


def nouns() -> tuple:
    """The command modules (`NOUNS`), in this order in `holbrook --help`. Imported on first use, not at
    the top: the window (no command) is started without them (see `_window_args`)."""
    if "NOUNS" in globals():
        return globals()["NOUNS"]
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

    found = (content, search, quiz, staff, audit, data_dir, backup, records, attestation, signing, export,
             admin, retention, demo, sync, school)
    globals()["NOUNS"] = found
    return found


def __getattr__(name: str) -> object:
    if name == "NOUNS":
        return nouns()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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
    for noun in nouns():
        noun.register(commands)
    return parser


# The options `holbrook` takes without a command, exactly as `build_parser` reads them.
_WINDOW_VALUE_OPTIONS = {"--data-dir": "data_dir", "--content": "content"}
_WINDOW_FLAGS = ("-v", "--verbose")


def _window_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """The window's arguments when `argv` holds only its own options, each written in full (what a
    shortcut or the installer passes); otherwise None, and the whole parser reads them. Building
    that parser (some 70 sub-commands, each module imported) takes longer than the window's first
    paint, and the window needs none of it."""
    found: dict[str, object] = {"data_dir": None, "content": None, "verbose": False}
    tokens = list(argv)
    while tokens:
        token = tokens.pop(0)
        name, equals, value = token.partition("=")
        if token in _WINDOW_FLAGS:
            found["verbose"] = True
        elif name in _WINDOW_VALUE_OPTIONS and equals:
            found[_WINDOW_VALUE_OPTIONS[name]] = value
        elif token in _WINDOW_VALUE_OPTIONS and tokens and not tokens[0].startswith("-"):
            found[_WINDOW_VALUE_OPTIONS[token]] = tokens.pop(0)
        else:  # a command, --help, --version, --self-test, an abbreviation, a mistake: argparse's
            return None
    return argparse.Namespace(**found, self_test=False, noun=None)


def main(argv: Sequence[str] | None = None) -> int:
    args = _window_args(sys.argv[1:] if argv is None else argv)
    if args is None:
        try:
            args = build_parser().parse_args(argv)
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
        # Before Qt: PySide6 reads the source of each module imported after it (for `__feature__`),
        # and the window's Qt-free core is some forty modules.
        import holbrook_desktop.app  # noqa: F401
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
