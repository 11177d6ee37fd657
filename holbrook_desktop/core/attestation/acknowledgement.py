"""When a person may acknowledge a policy, and what they must give: the rules, without storage or Qt."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from holbrook_desktop.core.attestation.signature import Signature
from holbrook_desktop.core.dates import for_people
from holbrook_desktop.core.errors import Refused
from holbrook_desktop.core.names import name_key


class AcknowledgementRefused(Refused):
    """Not recorded; `str()` tells the person what to do, and `field` which part to put right
    ("name", "declaration", "signature"; None when it is nothing on the form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PassedQuiz:
    attempt_id: int
    mode: str
    correct: int
    total: int
    finished_at: str  # UTC, ISO 8601

    def summary(self) -> str:
        """As printed on the attestation: "Induction quiz: 9 of 10 (90%), passed on 24 November 2026"."""
        score = round(100 * self.correct / self.total) if self.total else 0
        day = datetime.fromisoformat(self.finished_at)
        return (f"{self.mode.capitalize()} quiz: {self.correct} of {self.total} ({score}%), passed on "
                f"{for_people(day)}")


@dataclass(frozen=True)
class AcknowledgementOffer:
    """What the acknowledgement screen shows, and whether signing is open."""

    policy_id: str
    policy_title: str
    school: str
    version_label: str
    effective: date
    policy_sha256: str
    declaration: str
    reading_complete: bool
    quiz: PassedQuiz | None  # the latest pass on this version, if any
    already_acknowledged_at: str | None  # this pass was already used for an acknowledgement

    @property
    def ready(self) -> bool:
        return self.reason is None

    @property
    def reason(self) -> str | None:
        """Why signing is not open, in words for the person; None when it is."""
        if not self.reading_complete:
            return "Read every section of the policy first, then pass the quiz; then you can acknowledge it."
        if self.quiz is None:
            return "Pass the quiz on this version of the policy first; then you can acknowledge it."
        if self.already_acknowledged_at is not None:
            return ("You have already acknowledged this version of the policy. The next acknowledgement "
                    "follows your next refresher quiz.")
        return None


def check_declaration(offer: AcknowledgementOffer, *, full_name: str, typed_name: str, declared: bool,
                      signature: Signature | None) -> None:
    """Raise AcknowledgementRefused with the first thing the person must put right."""
    if offer.reason is not None:
        raise AcknowledgementRefused(offer.reason)
    if not declared:
        raise AcknowledgementRefused("Tick the box to make the declaration.", "declaration")
    if not typed_name.strip():
        raise AcknowledgementRefused("Type your full name.", "name")
    if name_key(typed_name) != name_key(full_name):
        raise AcknowledgementRefused(
            f"The name typed does not match the name on your record, “{full_name}”. Type it as it is "
            "there (capitals, accents, apostrophes and spaces do not matter), or ask the office to "
            "correct your record.", "name")
    if signature is not None and (problem := signature.problem()) is not None:
        raise AcknowledgementRefused(problem, "signature")


def method_for(signature: Signature | None) -> str:
    """Drawn with mouse, pen or finger; or, for keyboard-only users, the typed name alone."""
    return "drawn" if signature is not None else "typed"
