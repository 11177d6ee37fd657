"""`holbrook content …`: check or show the content folder, install a new one, go back to the shipped one."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from holbrook_desktop.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    content_app,
    print_json,
    records_app,
    say,
    warn_if_content_broken,
)
from holbrook_desktop.core import paths
from holbrook_desktop.core.content.diagnostics import Severity


def register(commands) -> None:
    content_verbs = add_noun(commands, "content", "check or show the content folder")
    check = add_command(content_verbs, "check", "validate the content; exit 1 on any error")
    add_json_option(check)
    check.set_defaults(handler=_content_check)
    show = add_command(content_verbs, "show", "print the handbook's structure")
    add_json_option(show)
    show.set_defaults(handler=_content_show)
    install = add_command(content_verbs, "install",
                          "check a new content folder (a new policy version) and use it from now on "
                          "(on every PC of the school, through the sync folder)", requires_admin=True)
    install.add_argument("folder", metavar="DIR", type=Path, help="the new content folder")
    install.add_argument("--yes", action="store_true",
                         help="install even if its effective date has passed and people become "
                              "overdue at once")
    add_json_option(install)
    install.set_defaults(handler=_content_install)
    reset = add_command(content_verbs, "reset", "go back to the content shipped with the app",
                        requires_admin=True)
    reset.set_defaults(handler=_content_reset)


def _content_check(args: argparse.Namespace) -> int:
    app = content_app(args)
    if app is None:
        return EXIT_USAGE
    app.quiz.banks  # noqa: B018 (reads the quiz banks so that their problems are reported too)
    diagnostics = app.content.diagnostics
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if args.json:
        print_json({
            "content_dir": str(app.content.content_dir),
            "ok": errors == 0,
            "errors": errors,
            "warnings": warnings,
            "policies": [{"id": p.id, "sha256": p.sha256} for p in app.content.policies],
            "diagnostics": [d.as_dict() for d in diagnostics],
        })
    else:
        for diagnostic in diagnostics:
            print(diagnostic)
    say(f"{len(app.content.policies)} policies checked: {errors} errors, {warnings} warnings")
    return EXIT_FAILED if errors else EXIT_OK


def _content_install(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.content.install import ContentRefused

    if not args.folder.is_dir():
        say(f"holbrook: no such folder: {args.folder}")
        return EXIT_USAGE
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        if not _overdue_accepted(app, args):
            return EXIT_FAILED
        try:
            installed = app.content.install(args.folder)
        except ContentRefused as exc:
            check = exc.check
            if args.json and check is not None:
                print_json({**check.as_dict(), "installed": False})
            for diagnostic in check.errors if check is not None else ():
                say(str(diagnostic))
            say(f"holbrook: refused: {exc}")
            return EXIT_FAILED
        if args.json:
            print_json({**installed.as_dict(), "installed": True})
        for policy in installed.policies:
            say(f"now in use: {policy.title} ({policy.version}) sha256 {policy.sha256[:12]}")
        say(f"installed into {installed.folder}; the window reads it at its next start")
        if args.content or os.environ.get(paths.CONTENT_DIR_ENV):
            say("note: --content or $HOLBROOK_CONTENT_DIR is set, and takes precedence over it")
        return EXIT_OK


def _overdue_accepted(app, args: argparse.Namespace) -> bool:
    """A version whose effective date has passed makes people overdue the moment it is in use: say
    how many, and go on only with --yes or a yes typed at a terminal."""
    late = app.content.overdue_if_installed(args.folder)
    if not late:
        return True
    for title, count in late:
        say(f"warning: {title}: its effective date has passed, so {count} "
            f"{'person becomes' if count == 1 else 'people become'} overdue at once when it is installed "
            "(if it is only a minor correction, mark it minor after installing: holbrook admin versions)")
    if args.yes:
        return True
    if sys.stdin.isatty():
        answer = input("Install it anyway? [y/N] ").strip().casefold()
        if answer in ("y", "yes"):
            return True
    say("holbrook content install: not installed; say --yes to install it anyway")
    return False


def _content_reset(args: argparse.Namespace) -> int:
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        if app.content.use_shipped():
            say(f"back to the content shipped with the app: {app.content.content_dir}")
        else:
            say("this data folder already uses the content shipped with the app")
        return EXIT_OK


def _content_show(args: argparse.Namespace) -> int:
    app = content_app(args)
    if app is None:
        return EXIT_USAGE
    warn_if_content_broken(app)
    if args.json:
        print_json(app.content.structure())
        return EXIT_OK
    for policy in app.content.policies:
        print(f"{policy.title} ({policy.meta.version}, effective {policy.meta.effective}) "
              f"[{policy.id}] sha256 {policy.sha256}")
        for section in policy.all_sections():
            indent = "    " if section.parent_number else "  "
            clauses = ", ".join(c.number for c in section.clauses)
            print(f"{indent}{section.heading}" + (f"  ({clauses})" if clauses else ""))
    return EXIT_OK
