"""`holbrook quiz list`: every scenario question in the quiz banks."""

from __future__ import annotations

import argparse

from holbrook_desktop.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    content_app,
    print_json,
    say,
    warn_if_content_broken,
)


def register(commands) -> None:
    quiz_verbs = add_noun(commands, "quiz", "the scenario quiz banks")
    quiz_list = add_command(quiz_verbs, "list", "every question: id, clauses, kind, roles")
    quiz_list.add_argument("--policy", metavar="ID", help="only this policy's bank")
    add_json_option(quiz_list)
    quiz_list.set_defaults(handler=_quiz_list)


def _quiz_list(args: argparse.Namespace) -> int:
    app = content_app(args)
    if app is None:
        return EXIT_USAGE
    warn_if_content_broken(app)
    banks = [b for policy_id, b in sorted(app.quiz.banks.items())
             if args.policy in (None, policy_id)]
    if args.policy and not banks:
        say(f"holbrook quiz list: no quiz for policy '{args.policy}'")
        return EXIT_USAGE
    rows = [{"policy": bank.policy_id, "id": q.id, "kind": q.kind, "clauses": list(q.clauses),
             "roles": list(q.roles) or ["everyone"], "prompt": q.prompt}
            for bank in banks for q in bank.questions]
    if args.json:
        print_json({"questions": rows})
    else:
        for row in rows:
            print(f"{row['policy']}/{row['id']:<40} {row['kind']:<10} {', '.join(row['clauses']):<14} "
                  f"{', '.join(row['roles'])}")
        say(f"{len(rows)} questions")
    return EXIT_OK
