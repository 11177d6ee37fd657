"""The declaration a person makes when acknowledging a policy: the school's own words, from content/."""

from __future__ import annotations

import hashlib
import string
from dataclasses import dataclass
from pathlib import Path

from holbrook_desktop.core.content.diagnostics import DiagnosticList
from holbrook_desktop.core.content.handbook import Policy

DECLARATION_FILE = "declaration.txt"
PLACEHOLDERS = ("policy_title", "school", "version")
# Used when a policy's folder has no declaration.txt (it is optional), or when the file has errors.
DEFAULT_DECLARATION = (
    "I confirm that I have read and understood the {policy_title} of {school} ({version}) and that "
    "I will follow it."
)


@dataclass(frozen=True)
class Declaration:
    template: str
    path: Path | None  # None: the built-in wording

    def text_for(self, policy: Policy, school: str | None = None) -> str:
        """The words as shown to the person and printed on the attestation; `school`: the name the
        administrator set (the one in the attestation's header), else the policy's front matter."""
        return self.template.format(policy_title=policy.title, school=school or policy.meta.school,
                                    version=policy.meta.version)


def declaration_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_declaration(policy: Policy, problems: DiagnosticList | None = None) -> Declaration:
    """The declaration beside the policy; problems (file:line) go to `problems`, and the built-in
    wording is used rather than none, so that a typo never stops staff acknowledging."""
    path = policy.path.parent / DECLARATION_FILE
    problems = problems if problems is not None else DiagnosticList(path)
    if not path.is_file():
        return Declaration(DEFAULT_DECLARATION, None)
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        problems.error(0, f"cannot be read ({exc}); the built-in declaration wording is used")
        return Declaration(DEFAULT_DECLARATION, None)
    kept: list[str] = []
    bad = False
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("#"):
            continue
        for problem in _placeholder_problems(line):
            problems.error(number, problem)
            bad = True
        kept.append(line.strip())
    paragraphs = [" ".join(p.split()) for p in "\n".join(kept).split("\n\n")]
    template = "\n\n".join(p for p in paragraphs if p)
    if not template:
        problems.error(0, "the declaration is empty; the built-in declaration wording is used")
        return Declaration(DEFAULT_DECLARATION, None)
    if bad:
        return Declaration(DEFAULT_DECLARATION, None)
    return Declaration(template, path)


def _placeholder_problems(line: str) -> list[str]:
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(line) if name is not None]
    except ValueError as exc:
        return [f"a brace is not closed ({exc}); write {{{{ or }}}} for a literal brace"]
    return [f"unknown placeholder {{{name}}}: use one of " + ", ".join(f"{{{p}}}" for p in PLACEHOLDERS)
            for name in fields if name not in PLACEHOLDERS]
