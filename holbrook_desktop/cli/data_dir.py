"""`holbrook data-dir …`: which folder holds the records and why; the PC-wide choice of it."""

from __future__ import annotations

import argparse
from pathlib import Path

from holbrook_desktop.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    print_json,
    say,
)
from holbrook_desktop.core import paths


def register(commands) -> None:
    data_dir_verbs = add_noun(commands, "data-dir", "where the records are kept")
    show_dir = add_command(data_dir_verbs, "show", "the data folder in use and why")
    add_json_option(show_dir)
    show_dir.set_defaults(handler=_data_dir_show)
    set_dir = add_command(data_dir_verbs, "set", "(administrator) use DIR for every account on this PC")
    set_dir.add_argument("folder", metavar="DIR")
    set_dir.set_defaults(handler=_data_dir_set)


def _data_dir_show(args: argparse.Namespace) -> int:
    choice = paths.choose_data_dir(args.data_dir)
    if args.json:
        print_json({"data_dir": str(choice.path), "source": choice.source,
                    "machine_config": str(paths.machine_config_path())})
    else:
        print(choice.path)
        say(f"chosen by: {choice.source}")
    return EXIT_OK


def _data_dir_set(args: argparse.Namespace) -> int:
    folder = Path(args.folder).expanduser().resolve()
    config = paths.machine_config_path()
    try:
        config = paths.write_machine_data_dir(folder, written_by="'holbrook data-dir set'")
    except OSError as exc:
        say(f"holbrook data-dir set: cannot write {config} ({exc.strerror or exc}); "
            "run it as the PC's administrator")
        return EXIT_USAGE
    say(f"every account on this PC now uses {folder} (set in {config})")
    return EXIT_OK
