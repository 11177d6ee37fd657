"""`holbrook search`: the handbook's clauses that match some words."""

from __future__ import annotations

import argparse

from holbrook_desktop.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    content_app,
    print_json,
    say,
    warn_if_content_broken,
)


def register(commands) -> None:
    search = add_command(commands, "search", "search the handbook's clauses")
    search.add_argument("query", nargs="+", help="words to look for")
    search.add_argument("--limit", type=int, default=20, help="at most this many hits (20)")
    add_json_option(search)
    search.set_defaults(handler=_search)


def _search(args: argparse.Namespace) -> int:
    if args.limit < 1:
        say("holbrook search: --limit must be at least 1")
        return EXIT_USAGE
    app = content_app(args)
    if app is None:
        return EXIT_USAGE
    warn_if_content_broken(app)
    hits = app.content.search(" ".join(args.query), limit=args.limit)
    if args.json:
        print_json({"query": " ".join(args.query), "hits": [h.as_dict() for h in hits]})
    else:
        for hit in hits:
            print(f"{hit.clause_id:<22} {hit.marked_snippet()}")
        say(f"{len(hits)} clauses found")
    return EXIT_OK
