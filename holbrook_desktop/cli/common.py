"""What every `holbrook` command shares: exit codes, stderr and JSON output, options, the app to work on."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from holbrook_desktop.core import paths

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.attestation.recovery import RecoveryReport
    from holbrook_desktop.core.records import Store

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
JSON_HELP = "machine-readable output on stdout"
# The argparse default naming a command's output options other than `output` ({dest: is a folder}).
OUTPUT_OPTIONS = "output_options"


def say(message: str) -> None:
    """A message for the person at the terminal: stderr, so that stdout stays the command's output."""
    print(message, file=sys.stderr)


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
    print()


def add_json_option(parser: argparse.ArgumentParser, help_text: str = JSON_HELP) -> None:
    parser.add_argument("--json", action="store_true", help=help_text)


def add_global_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """--data-dir and --content: given before the command, or after it, they mean the same."""
    default = argparse.SUPPRESS if suppress else None  # a sub-command never overwrites with None
    parser.add_argument(
        "--data-dir", metavar="DIR", default=default,
        help=f"folder for the app's records (default: ${paths.DATA_DIR_ENV} or the per-user folder)",
    )
    parser.add_argument(
        "--content", metavar="DIR", default=default,
        help=f"content folder to use (default: ${paths.CONTENT_DIR_ENV} or the one shipped)",
    )


def add_output_option(command: argparse.ArgumentParser, *, folder: bool = False,
                      metavar: str | None = None, help_text: str | None = None) -> None:
    """`-o/--output`, the file (or folder) a command writes; `main()` refuses one in the data folder
    before the command runs, as it does any option named `output` or declared with `declare_output`."""
    command.add_argument("-o", "--output", type=Path, required=True,
                         metavar=metavar or ("DIR" if folder else "FILE"), help=help_text)
    declare_output(command, "output", folder=folder)


def declare_output(command: argparse.ArgumentParser, dest: str, *, folder: bool = False) -> None:
    """Mark another option (`dest`) as a place the command writes to: it is checked like --output."""
    outputs = dict(command.get_default(OUTPUT_OPTIONS) or {})
    outputs[dest] = folder
    command.set_defaults(**{OUTPUT_OPTIONS: outputs})


def output_options(args: argparse.Namespace) -> dict[str, bool | None]:
    """The parsed command's output options: {dest: is a folder (None: not declared, judged by the
    path)}; `output` always counts, declared or not, so that no new command can forget it."""
    return {"output": None, **(getattr(args, OUTPUT_OPTIONS, None) or {})}


def refuse_output_in_data_folder(args: argparse.Namespace) -> int | None:
    """EXIT_USAGE, after saying why, if any output option of the command lies in the data folder
    (core/paths.check_output_target); None if all may be written. Run by `main()` before every
    command, so nothing has been written when it refuses."""
    from holbrook_desktop.core.paths import OutputInsideDataFolder, check_output_target

    chosen = {dest: (folder, getattr(args, dest, None)) for dest, folder in output_options(args).items()}
    chosen = {dest: pair for dest, pair in chosen.items() if pair[1] is not None}
    if not chosen:
        return None
    records = paths.data_dir(args.data_dir)
    for folder, target in chosen.values():
        try:
            check_output_target(target, records, folder=Path(target).is_dir() if folder is None else folder)
        except OutputInsideDataFolder as exc:
            say(f"holbrook {command_name(args)}: refused: {exc}")
            return EXIT_USAGE
    return None


def add_command(verbs: Any, name: str, help_text: str, *,
                requires_admin: bool = False) -> argparse.ArgumentParser:
    """A command that does something (`content check`, `verify`): it takes the global options too.
    `requires_admin`: it reads everyone's records or changes administration, so `main` lets it run
    only for the administrator (see `admin_refusal`); it takes --password-stdin."""
    if requires_admin:
        help_text = f"(administrator) {help_text.removeprefix('(administrator) ')}"
    command = verbs.add_parser(name, help=help_text)
    add_global_options(command, suppress=True)
    if requires_admin:
        command.add_argument(
            "--password-stdin", action="store_true",
            help="read the administrator password from the first line of stdin (else it is asked "
                 "in a terminal; the PC's administrator account needs none)")
        command.set_defaults(requires_admin=True)
    return command


def command_name(args: argparse.Namespace) -> str:
    """The command as typed, without its options ("export acknowledgements"), for messages and the log."""
    words = [args.noun]
    for attribute in ("verb", "action"):
        if isinstance(getattr(args, attribute, None), str):
            words.append(getattr(args, attribute))
    return " ".join(words)


def admin_refusal(args: argparse.Namespace) -> int | None:
    """None if the administrator may run this command, else the exit status (after saying why).

    The administrator is whoever gives the administrator password (--password-stdin, or asked in a
    terminal), or the PC's administrator account (root; an elevated Windows administrator), which
    can read the data folder anyway. Until a password has been set (a first run) anyone may, as in
    the window, where the first person to open the admin area chooses it. Every sign-in, right or
    wrong, is in the audit log."""
    import getpass

    from holbrook_desktop.core.admin import access
    from holbrook_desktop.core.admin.password import AdminPassword
    from holbrook_desktop.core.records.database import DATABASE_FILE

    name = command_name(args)
    if not (paths.data_dir(args.data_dir) / DATABASE_FILE).exists():
        return None  # no records yet, so no password either: the command makes them (or says why)
    with records_only(args) as store:
        if store is None:
            return EXIT_USAGE
        if not AdminPassword(store.settings).is_set():
            say(f"holbrook {name}: no administrator password has been set yet, so anyone may run this; "
                "'holbrook admin password set' sets one")
            # Not audited as a sign-in: nothing was shown; what the command does is audited itself.
            return None
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        elif access.pc_administrator():
            say(f"holbrook {name}: run by the PC's administrator account, so no password is asked")
            access.unlock_without_password(store, access.BY_PC_ADMINISTRATOR, purpose=name)
            return None
        elif sys.stdin.isatty():
            password = getpass.getpass("Administrator password: ")
        else:
            say(f"holbrook {name}: this needs the administrator password: give it on stdin with "
                "--password-stdin, run it in a terminal to be asked, or run it as the PC's administrator")
            return EXIT_USAGE
        try:
            access.unlock(store, password, purpose=name)
        except access.AdminSignInRefused as exc:
            say(f"holbrook {name}: {exc} Nothing was done.")
            return EXIT_USAGE
        args.admin_password = password  # for a command that seals or opens the school's key with it
    return None


def admin_password(args: argparse.Namespace) -> str | None:
    """The administrator password itself, for the commands that open the school's key with it:
    the one `admin_refusal` checked, else asked in a terminal; None (after saying why) if it cannot
    be had (the PC's administrator account is let in without one, but the key still needs it)."""
    import getpass

    password = getattr(args, "admin_password", None)
    if password:
        return password
    if getattr(args, "password_stdin", False):  # not read yet: no password is set on this PC yet
        password = sys.stdin.readline().rstrip("\r\n")
        if password:
            return password
    elif sys.stdin.isatty():
        return getpass.getpass("Administrator password (the school's key is sealed with it): ")
    say(f"holbrook {command_name(args)}: the school's key is sealed with the administrator password: give "
        "it with --password-stdin")
    return None


def add_noun(commands: Any, name: str, help_text: str, metavar: str = "VERB",
             dest: str = "verb") -> Any:
    """A noun (`staff`, `export`) whose verbs are added to what this returns; one of them is required."""
    noun = commands.add_parser(name, help=help_text)
    return noun.add_subparsers(dest=dest, metavar=metavar, required=True)


def content_dir(args: argparse.Namespace) -> Path:
    """--content or its variable, else what the data folder uses (a policy loaded by an administrator
    there, or the one shipped); the data folder is only looked for when it can matter."""
    if args.content or os.environ.get(paths.CONTENT_DIR_ENV):
        return paths.content_dir(args.content)
    return paths.content_dir(data_dir=paths.choose_data_dir(args.data_dir, create=False).path)


def _existing_content_dir(args: argparse.Namespace) -> Path | None:
    folder = content_dir(args)
    if not folder.is_dir():
        say(f"holbrook: content folder not found: {folder}")
        return None
    return folder


def content_app(args: argparse.Namespace) -> App | None:
    """The app over the content folder, with no records (nothing is made on disk); None after saying
    why on stderr."""
    from holbrook_desktop.app import open_app

    folder = _existing_content_dir(args)
    return open_app(folder) if folder is not None else None


@contextlib.contextmanager
def records_app(args: argparse.Namespace) -> Iterator[App | None]:
    """The app with the data folder's records open, closed afterwards; None after saying why on
    stderr (no content folder, a damaged or newer database, a folder that cannot be used)."""
    from holbrook_desktop.app import open_app

    folder = _existing_content_dir(args)
    if folder is None:
        yield None
        return
    data_dir = paths.data_dir(args.data_dir)
    app = open_app(folder, data_dir)
    if _reported(data_dir, lambda: app.open_records("cli")) is None:
        yield None
        return
    try:
        yield app
    finally:
        app.close()


@contextlib.contextmanager
def records_only(args: argparse.Namespace) -> Iterator[Store | None]:
    """The data folder's records alone, closed afterwards, for a command that needs no content (a
    missing content folder does not stop it); None after saying why on stderr."""
    from holbrook_desktop.core.identity import Actor
    from holbrook_desktop.core.records import Store

    data_dir = paths.data_dir(args.data_dir)
    store = _reported(data_dir, lambda: Store.open(data_dir, Actor.current("cli")))
    if store is None:
        yield None
        return
    with contextlib.closing(store):
        yield store


def _reported(data_dir: Path, open_records: Callable[[], Store]) -> Store | None:
    from holbrook_desktop.core.logs import configure_logging
    from holbrook_desktop.core.records import StoreError

    configure_logging(data_dir)  # only here: a command that reads the content makes no data folder
    try:
        return open_records()
    except StoreError as exc:
        say(f"holbrook: {exc}")
        if getattr(exc, "backups", None):
            say("holbrook: 'holbrook backup restore' puts the newest backup in place.")
        return None
    except OSError as exc:
        say(f"holbrook: cannot open the records in {data_dir}: {exc.strerror or exc}")
        return None


def warn_if_content_broken(app: App) -> None:
    if not app.content.ok:
        say("holbrook: the content has errors; run 'holbrook content check' for details")


def date_option(text: str) -> date:
    """argparse's `type=` for every date option: DD/MM/YYYY or YYYY-MM-DD (dates.parse_date_option)."""
    from holbrook_desktop.core.dates import DateRefused, parse_date_option

    try:
        return parse_date_option(text)
    except DateRefused as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def recover_from_pdfs(store: Store) -> RecoveryReport:
    """`holbrook records recover`, also run by `holbrook backup restore`: acknowledgements a restore
    took away put back from their signed PDFs (core/attestation/recovery.py), each said on stderr."""
    from holbrook_desktop.core.attestation.recovery import recover_acknowledgements
    from holbrook_desktop.core.attestation.signing_key import SchoolSigningKey

    report = recover_acknowledgements(store, SchoolSigningKey(store.data_dir))
    for done in report.recovered:
        say(f"recovered acknowledgement {done.record_id} ({done.full_name}, {done.acknowledged_at} UTC) "
            f"from {done.pdf_file}")
    for refused in report.refused:
        say(f"NOT recovered: {refused.pdf_file}: {refused.reason}")
    return report
