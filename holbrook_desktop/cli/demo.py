"""`holbrook demo`: a realistic sample school in an empty data folder."""

from __future__ import annotations

import argparse
import os

from holbrook_desktop.cli.common import EXIT_OK, EXIT_USAGE, add_command, add_json_option, print_json, say
from holbrook_desktop.core import paths

STATUS_WORDS = (("acknowledged", "acknowledged"), ("due soon", "due soon"), ("overdue", "overdue"),
                ("never", "never acknowledged"), ("leaver", "leavers"))


def register(commands) -> None:
    demo = add_command(commands, "demo", "make a sample school in a new, empty data folder (--data-dir)")
    demo.add_argument("--staff", type=int, default=40, metavar="N", help="how many staff (default 40)")
    demo.add_argument("--seed", type=int, default=2026, metavar="N",
                      help="another number makes another school (default 2026)")
    add_json_option(demo)
    demo.set_defaults(handler=_demo)


def _demo(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.demo import DemoRefused, build_demo
    from holbrook_desktop.core.records import StoreError

    if not (args.data_dir or os.environ.get(paths.DATA_DIR_ENV)):
        # The usual folder is where the school's own records belong: a sample school there would be
        # mistaken for them, or real records later added to it.
        say("holbrook demo: say which new folder to make the sample school in, for example:\n"
            "  holbrook --data-dir holbrook-sample demo")
        return EXIT_USAGE
    folder = paths.data_dir(args.data_dir)
    content = paths.content_dir(args.content)
    if not content.is_dir():
        say(f"holbrook: content folder not found: {content}")
        return EXIT_USAGE
    shown = 0

    def progress(done: int, total: int) -> None:
        nonlocal shown
        if done == 1:  # the folder was found empty: the school is being made
            say(f"Making a sample school of {args.staff} staff in {folder} (with signed PDFs: a few "
                "seconds)…")
        percent = done * 100 // total
        if percent >= shown + 10:  # every tenth of the way
            shown = percent - percent % 10
            say(f"  {shown}%")

    try:
        summary = build_demo(folder, content, staff=args.staff, seed=args.seed, progress=progress)
    except DemoRefused as exc:
        say(f"holbrook demo: {exc}")
        return EXIT_USAGE
    except StoreError as exc:
        say(f"holbrook: {exc}")
        return EXIT_USAGE
    except OSError as exc:
        say(f"holbrook demo: cannot write in {folder}: {exc.strerror or exc}")
        return EXIT_USAGE
    if args.json:
        print_json(summary.as_dict())
    counts = ", ".join(f"{summary.by_status.get(status, 0)} {words}" for status, words in STATUS_WORDS)
    where = f'"{folder}"' if " " in str(folder) else str(folder)
    say(f"Made a sample school in {folder}: {summary.staff} staff ({summary.leavers} of them leavers), "
        f"{summary.acknowledgements} signed acknowledgements, in {summary.seconds:.1f} s.\n"
        f"Today: {counts}.\n"
        f"Open it with:  holbrook --data-dir {where}")
    return EXIT_OK
