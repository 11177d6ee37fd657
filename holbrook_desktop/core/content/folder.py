"""Loads a content folder (content/policies/<id>/policy.md …) into a Handbook with its problems."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from holbrook_desktop.core.content.check import check_policy
from holbrook_desktop.core.content.declaration import DECLARATION_FILE, Declaration, read_declaration
from holbrook_desktop.core.content.diagnostics import Diagnostic, DiagnosticList, Severity, has_errors
from holbrook_desktop.core.content.handbook import Handbook, Policy
from holbrook_desktop.core.content.policy_source import read_policy

if TYPE_CHECKING:
    from holbrook_desktop.core.quiz.bank import QuizBank

log = logging.getLogger(__name__)

POLICY_FILE = "policy.md"
# Past this many problems in one file, more lines help nobody: the file needs rewriting.
MAX_PROBLEMS_PER_FILE = 200


@dataclass(frozen=True)
class LoadedContent:
    handbook: Handbook
    diagnostics: tuple[Diagnostic, ...]
    quizzes: dict[str, QuizBank] = field(default_factory=dict)  # policy id → its scenario quiz
    declarations: dict[str, Declaration] = field(default_factory=dict)  # policy id → what staff declare

    @property
    def ok(self) -> bool:
        return not has_errors(list(self.diagnostics))


def load_content(content_dir: Path, *, quizzes: bool = True) -> LoadedContent:
    """Every policy that can be read; problems in one file never hide the others.

    `quizzes=False` leaves the quiz banks for `load_quizzes`, which the window calls on first use."""
    diagnostics: list[Diagnostic] = []
    policies: list[Policy] = []
    policies_dir = content_dir / "policies"
    if not policies_dir.is_dir():
        not_content = DiagnosticList(content_dir)
        not_content.error(0, "no 'policies' folder here: is this a Holbrook content folder?")
        return LoadedContent(Handbook(()), tuple(not_content))
    for folder in sorted(p for p in policies_dir.iterdir() if p.is_dir()):
        path = folder / POLICY_FILE
        problems = DiagnosticList(path)
        if not path.is_file():
            problems.warning(0, f"folder '{folder.name}' has no {POLICY_FILE}; it is skipped")
            diagnostics += problems
            continue
        policy = read_policy(path, problems)
        if policy is not None:
            check_policy(policy, problems)
            if policy.id != folder.name:
                problems.warning(1, f"policy id '{policy.id}' differs from its folder '{folder.name}'")
            clash = next((p for p in policies if p.id == policy.id), None)
            if clash:
                problems.error(1, f"policy id '{policy.id}' is already used by {clash.path}")
            else:
                policies.append(policy)
        diagnostics += _first_problems(problems)
    if not policies and not has_errors(diagnostics):
        empty = DiagnosticList(policies_dir)
        empty.error(0, f"no policies found (expected <id>/{POLICY_FILE} folders)")
        diagnostics += empty
    log.debug("loaded %d policies from %s with %d problems", len(policies), content_dir,
              len(diagnostics))
    handbook = Handbook(tuple(policies))
    declarations = {}
    for policy in policies:
        problems = DiagnosticList(policy.path.parent / DECLARATION_FILE)
        declarations[policy.id] = read_declaration(policy, problems)
        diagnostics += _first_problems(problems)
    banks: dict[str, QuizBank] = {}
    if quizzes:
        banks, quiz_diagnostics = load_quizzes(handbook)
        diagnostics += quiz_diagnostics
    return LoadedContent(handbook, tuple(diagnostics), banks, declarations)


def load_quizzes(handbook: Handbook) -> tuple[dict[str, QuizBank], list[Diagnostic]]:
    """The scenario bank beside each policy (policies/<id>/quiz.toml), checked against its text."""
    from holbrook_desktop.core.quiz.bank import QUIZ_FILE, read_quiz

    banks: dict[str, QuizBank] = {}
    diagnostics: list[Diagnostic] = []
    for policy in handbook.policies:
        path = policy.path.parent / QUIZ_FILE
        if not path.is_file():
            continue
        problems = DiagnosticList(path)
        bank = read_quiz(path, policy, problems)
        if bank is not None:
            banks[policy.id] = bank
        diagnostics += _first_problems(problems)
    return banks, diagnostics


def _first_problems(problems: DiagnosticList) -> list[Diagnostic]:
    ordered = sorted(problems, key=lambda d: d.line)
    if len(ordered) <= MAX_PROBLEMS_PER_FILE:
        return ordered
    shown = ordered[:MAX_PROBLEMS_PER_FILE]
    rest = ordered[MAX_PROBLEMS_PER_FILE:]
    worst = Severity.ERROR if has_errors(rest) else Severity.WARNING
    summary = Diagnostic(problems.path, rest[0].line, worst,
                         f"{len(rest)} more problems in this file are not listed")
    return [*shown, summary]
