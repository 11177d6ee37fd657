"""The `holbrook` command: the window with no sub-command, otherwise the command line for HR and IT."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence

from holbrook_desktop import APP_NAME, __version__
from holbrook_desktop.core import paths
from holbrook_desktop.core.diagnostics import Severity

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _add_global_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="holbrook",
        description=f"{APP_NAME}. With no command, opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _add_global_options(parser)
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail to stderr")
    commands = parser.add_subparsers(dest="noun", metavar="COMMAND")

    def command(group, name: str, help_text: str) -> argparse.ArgumentParser:
        sub = group.add_parser(name, help=help_text)
        _add_global_options(sub, suppress=True)
        return sub

    content = commands.add_parser("content", help="check or show the content folder")
    content_verbs = content.add_subparsers(dest="verb", metavar="VERB", required=True)
    check = command(content_verbs, "check", "validate the content; exit 1 on any error")
    check.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    check.set_defaults(handler=_content_check)
    show = command(content_verbs, "show", "print the handbook's structure")
    show.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    show.set_defaults(handler=_content_show)

    search = command(commands, "search", "search the handbook's clauses")
    search.add_argument("query", nargs="+", help="words to look for")
    search.add_argument("--limit", type=int, default=20, help="at most this many hits (20)")
    search.add_argument("--json", action="store_true", help="machine-readable output on stdout")
    search.set_defaults(handler=_search)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if args.noun is None:
        from holbrook_desktop.ui.app import run_gui  # Qt is loaded only for the window

        return run_gui(args)
    # A console that cannot show a character (a curly quote on an old code page) gets a
    # replacement mark rather than a crash.
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        return args.handler(args)
    except BrokenPipeError:
        # Output piped into `head` and closed early: not an error worth a traceback.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 (must stay open until exit)
        return EXIT_OK


def _service(args: argparse.Namespace):
    from holbrook_desktop.core.service import HandbookService

    content_dir = paths.content_dir(args.content)
    if not content_dir.is_dir():
        _say(f"holbrook: content folder not found: {content_dir}")
        return None
    return HandbookService(content_dir)


def _say(message: str) -> None:
    print(message, file=sys.stderr)


def _content_check(args: argparse.Namespace) -> int:
    service = _service(args)
    if service is None:
        return EXIT_USAGE
    diagnostics = service.diagnostics
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    if args.json:
        json.dump(
            {
                "content_dir": str(service.content_dir),
                "ok": errors == 0,
                "errors": errors,
                "warnings": warnings,
                "policies": [{"id": p.id, "sha256": p.sha256} for p in service.policies],
                "diagnostics": [d.as_dict() for d in diagnostics],
            },
            sys.stdout, indent=2, ensure_ascii=False,
        )
        print()
    else:
        for diagnostic in diagnostics:
            print(diagnostic)
    _say(f"{len(service.policies)} policies checked: {errors} errors, {warnings} warnings")
    return EXIT_FAILED if errors else EXIT_OK


def _content_show(args: argparse.Namespace) -> int:
    service = _service(args)
    if service is None:
        return EXIT_USAGE
    _warn_if_broken(service)
    if args.json:
        json.dump(service.structure(), sys.stdout, indent=2, ensure_ascii=False)
        print()
        return EXIT_OK
    for policy in service.policies:
        print(f"{policy.title} ({policy.meta.version}, effective {policy.meta.effective}) "
              f"[{policy.id}] sha256 {policy.sha256}")
        for section in policy.all_sections():
            indent = "    " if section.parent_number else "  "
            clauses = ", ".join(c.number for c in section.clauses)
            print(f"{indent}{section.heading}" + (f"  ({clauses})" if clauses else ""))
    return EXIT_OK


def _search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        _say("holbrook search: --limit must be at least 1")
        return EXIT_USAGE
    service = _service(args)
    if service is None:
        return EXIT_USAGE
    _warn_if_broken(service)
    hits = service.search(" ".join(args.query), limit=args.limit)
    if args.json:
        json.dump({"query": " ".join(args.query), "hits": [h.as_dict() for h in hits]},
                  sys.stdout, indent=2, ensure_ascii=False)
        print()
    else:
        for hit in hits:
            print(f"{hit.clause_id:<22} {hit.marked_snippet()}")
        _say(f"{len(hits)} clauses found")
    return EXIT_OK


def _warn_if_broken(service) -> None:
    if not service.content_ok:
        _say("holbrook: the content has errors; run 'holbrook content check' for details")


if __name__ == "__main__":
    sys.exit(main())
