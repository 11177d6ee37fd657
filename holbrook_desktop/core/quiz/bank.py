"""Reads a policy's scenario quiz (quiz.toml beside policy.md) and reports problems by line."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from holbrook_desktop.core.content.diagnostics import DiagnosticList
from holbrook_desktop.core.content.handbook import Policy
from holbrook_desktop.core.content.policy_source import read_text
from holbrook_desktop.core.hr.roles import ROLES

QUIZ_FILE = "quiz.toml"
KINDS = ("single", "multiple", "true-false")
_QUESTION_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_QUESTION_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*question[ \t]*\]\]", re.MULTILINE)
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class Option:
    text: str
    correct: bool


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    clauses: tuple[str, ...]
    scenario: str
    prompt: str
    explanation: str
    options: tuple[Option, ...] = ()
    answer: bool | None = None  # true-false questions
    roles: tuple[str, ...] = ()  # empty: everyone
    line: int = 0

    def for_role(self, role: str | None) -> bool:
        return not self.roles or role in self.roles


@dataclass(frozen=True)
class QuizSettings:
    pass_mark: float = 0.8
    induction_questions: int = 15
    refresher_questions: int = 10


@dataclass(frozen=True)
class QuizBank:
    policy_id: str
    path: Path
    settings: QuizSettings
    questions: tuple[Question, ...] = field(default_factory=tuple)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def for_role(self, role: str | None) -> list[Question]:
        return [q for q in self.questions if q.for_role(role)]


def read_quiz(path: Path, policy: Policy, problems: DiagnosticList) -> QuizBank | None:
    """The bank for `policy`; questions with errors are reported and left out, never guessed at."""
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_POSITION.search(str(exc))
        line = int(found.group(1)) if found else 1
        problems.error(line, f"not valid TOML: {_TOML_POSITION.sub('', str(exc)).strip()}")
        return None
    settings = _read_settings(data.get("settings", {}), text, problems)
    raw_questions = data.get("question", [])
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.error(1, "no questions: add [[question]] tables")
        return QuizBank(policy.id, path, settings)
    header_lines = [text.count("\n", 0, m.start()) + 1 for m in _QUESTION_HEADER.finditer(text)]
    questions: list[Question] = []
    first_line_of: dict[str, int] = {}
    for index, raw in enumerate(raw_questions):
        line = header_lines[index] if index < len(header_lines) else 1
        question = _read_question(raw, line, policy, problems)
        if question is None:
            continue
        if question.id in first_line_of:
            problems.error(line, f"question id '{question.id}' is used twice (first on line "
                                 f"{first_line_of[question.id]})")
            continue
        first_line_of[question.id] = line
        questions.append(question)
    for mode, wanted in (("induction", settings.induction_questions),
                         ("refresher", settings.refresher_questions)):
        if len(questions) < wanted:
            problems.warning(1, f"the {mode} asks {wanted} questions but the bank has {len(questions)}")
    return QuizBank(policy.id, path, settings, tuple(questions))


def _read_settings(raw: object, text: str, problems: DiagnosticList) -> QuizSettings:
    defaults = QuizSettings()
    if not isinstance(raw, dict):
        problems.error(1, "[settings] must be a table")
        return defaults
    line = next((text.count("\n", 0, m.start()) + 1
                 for m in re.finditer(r"^[ \t]*\[settings\]", text, re.MULTILINE)), 1)
    pass_mark = raw.get("pass_mark", defaults.pass_mark)
    if isinstance(pass_mark, bool) or not isinstance(pass_mark, int | float) or not 0 < pass_mark <= 1:
        problems.error(line, "pass_mark must be a fraction between 0 and 1, such as 0.8")
        pass_mark = defaults.pass_mark
    counts = {}
    for key in ("induction_questions", "refresher_questions"):
        value = raw.get(key, getattr(defaults, key))
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            problems.error(line, f"{key} must be a whole number of at least 1")
            value = getattr(defaults, key)
        counts[key] = value
    for unknown in sorted(set(raw) - {"pass_mark", "induction_questions", "refresher_questions"}):
        problems.warning(line, f"setting '{unknown}' is not used")
    return QuizSettings(float(pass_mark), **counts)


def _read_question(raw: object, line: int, policy: Policy, problems: DiagnosticList) -> Question | None:
    if not isinstance(raw, dict):
        problems.error(line, "a [[question]] must be a table")
        return None
    before = len(problems)
    question_id = raw.get("id")
    if not isinstance(question_id, str) or not _QUESTION_ID.match(question_id):
        problems.error(line, "question needs an 'id' of lower-case letters, digits and '-'")
        question_id = "?"
    where = f"question '{question_id}'"
    kind = raw.get("kind")
    if not isinstance(kind, str) or kind not in KINDS:
        problems.error(line, f"{where}: 'kind' must be one of {', '.join(KINDS)}")
        kind = "?"  # the question is dropped below; "?" matches no kind in _read_answers either
    texts = {}
    for key in ("scenario", "prompt", "explanation"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.error(line, f"{where}: '{key}' is missing")
        texts[key] = value.strip() if isinstance(value, str) else ""
    clauses = raw.get("clauses")
    if not isinstance(clauses, list) or not clauses or not all(isinstance(c, str) for c in clauses):
        problems.error(line, f"{where}: 'clauses' must list the clause numbers it rests on")
        clauses = []
    for number in clauses:
        if policy.clause(number) is None:
            problems.error(line, f"{where}: clause {number} is not in the current text of "
                                 f"'{policy.id}'")
    roles = raw.get("roles", [])
    if not isinstance(roles, list) or any(r not in ROLES for r in roles):
        problems.error(line, f"{where}: 'roles' must list roles from: {', '.join(ROLES)}")
        roles = []
    options, answer = _read_answers(raw, kind, where, line, problems)
    if len(problems) > before:
        return None
    return Question(question_id, kind, tuple(clauses), texts["scenario"], texts["prompt"],
                    texts["explanation"], options, answer, tuple(roles), line)


def _read_answers(raw: dict, kind: object, where: str, line: int,
                  problems: DiagnosticList) -> tuple[tuple[Option, ...], bool | None]:
    if kind == "true-false":
        answer = raw.get("answer")
        if not isinstance(answer, bool):
            problems.error(line, f"{where}: a true-false question needs 'answer = true' or 'false'")
        if "options" in raw:
            problems.error(line, f"{where}: a true-false question has 'answer', not 'options'")
        return (), answer if isinstance(answer, bool) else None
    raw_options = raw.get("options")
    if not isinstance(raw_options, list) or len(raw_options) < 2:
        problems.error(line, f"{where}: options are missing (at least two)")
        return (), None
    options = []
    for option in raw_options:
        if (not isinstance(option, dict) or not isinstance(option.get("text"), str)
                or not option["text"].strip() or not isinstance(option.get("correct"), bool)):
            problems.error(line, f"{where}: each option needs 'text' and 'correct = true|false'")
            return (), None
        options.append(Option(option["text"].strip(), option["correct"]))
    right = sum(o.correct for o in options)
    if right == 0:
        problems.error(line, f"{where}: no option is marked correct")
    elif kind == "single" and right > 1:
        problems.error(line, f"{where}: a single-answer question has {right} correct options")
    elif kind == "multiple" and right == len(options):
        problems.warning(line, f"{where}: every option is correct; a select-all needs a wrong one")
    if len({o.text for o in options}) < len(options):
        problems.error(line, f"{where}: two options have the same text")
    return tuple(options), None
