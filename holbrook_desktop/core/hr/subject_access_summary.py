"""The subject-access copy as a person reads it: one HTML page (summary.html) beside data.json, with
their record, each quiz question's text with the answer given and the right one, their
acknowledgements, and the audit log's entries in words. Every value is escaped."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from html import escape
from typing import TYPE_CHECKING, Any

from holbrook_desktop.core.dates import for_people, school_day

if TYPE_CHECKING:
    from holbrook_desktop.core.quiz.bank import Question

SUMMARY_FILE = "summary.html"

# What each audit entry means, said to the person it is about.
ACTION_WORDS = {
    "staff.add": "Added to the staff list",
    "staff.update": "Their record was changed",
    "staff.leaver": "A leaving date was recorded",
    "staff.import": "The staff list was imported",
    "progress.opened": "Opened a section of the policy",
    "progress.read": "Finished reading a section of the policy",
    "quiz.started": "Started a quiz",
    "quiz.answered": "Answered a quiz question",
    "quiz.finished": "Finished a quiz",
    "quiz.abandoned": "Left a quiz unfinished",
    "acknowledgement.recorded": "An acknowledgement of the policy was recorded",
    "retention.erased": "Their personal data was erased under the retention rule",
    "export.subject-access": "A subject-access copy of their records was made",
}
FIELD_WORDS = {"full_name": "full name", "preferred_name": "preferred name", "role": "role",
               "staff_number": "staff number", "work_email": "work email", "start_date": "start date",
               "leaving_date": "leaving date"}

QuestionLookup = Callable[[str, str], "Question | None"]  # (policy id, question id) → the bank's question


def summary_html(data: Mapping[str, Any], question: QuestionLookup,
                 policy_titles: Mapping[str, str]) -> str:
    person = data["staff"]
    name = "an erased person" if data.get("erased") else person["full_name"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en-GB"><head><meta charset="utf-8">',
        f"<title>Records held about {escape(name)}</title>",
        "<style>body{font-family:sans-serif;max-width:50em;margin:2em auto;line-height:1.45}"
        "table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:.3em .5em;"
        "text-align:left;vertical-align:top}.right{color:#14471f}.wrong{color:#96120a}</style>",
        "</head><body>",
        f"<h1>Records held about {escape(name)}</h1>",
        f"<p>Made on {_day(data['exported_at'])} by {escape(data['exported_by_app'])}. The file "
        "data.json beside this page holds the same records in full, as stored.</p>",
    ]
    if data.get("erased"):
        parts.append(f"<p>{escape(data['erased']['note'])}</p>")
    parts += _person(person)
    parts += _quizzes(data["quiz_attempts"], question, policy_titles)
    parts += _acknowledgements(data["acknowledgements"], policy_titles)
    parts += _audit(data["audit_log"])
    parts.append("<p>These pages contain personal data: keep them safe and delete them when no longer "
                 "needed.</p></body></html>")
    return "\n".join(parts) + "\n"


def _day(utc_iso: str | None) -> str:
    return for_people(school_day(utc_iso)) if utc_iso else "—"


def _iso_day(text: str | None) -> str | None:
    try:
        return for_people(date.fromisoformat(text)) if text else None
    except ValueError:  # as stored, if it is not a date
        return text


def _person(person: Mapping[str, Any]) -> list[str]:
    rows = [("Number", person["id"]), ("Full name", person.get("full_name")),
            ("Preferred name", person.get("preferred_name")), ("Role", person.get("role_label")),
            ("Staff number", person.get("staff_number")), ("Work email", person.get("work_email")),
            ("Start date", _iso_day(person.get("start_date"))),
            ("Leaving date", _iso_day(person.get("leaving_date")))]
    return ["<h2>Your record</h2>", "<table>"] + [
        f"<tr><th scope=\"row\">{escape(label)}</th><td>{escape(str(value)) if value else '—'}</td></tr>"
        for label, value in rows] + ["</table>"]


def _quizzes(attempts: list[Mapping[str, Any]], question: QuestionLookup,
             titles: Mapping[str, str]) -> list[str]:
    parts = ["<h2>Quizzes</h2>"]
    if not attempts:
        return [*parts, "<p>No quiz taken.</p>"]
    parts.append("<p>The questions are worded as in the quiz in use when this copy was made; a question "
                 "reworded since may read a little differently from when it was asked.</p>")
    for attempt in attempts:
        policy = titles.get(attempt["policy_id"], attempt["policy_id"])
        score = (f"{attempt['correct']} of {attempt['total']} right" if attempt.get("correct") is not None
                 else str(attempt.get("status", "")))
        parts.append(f"<h3>{escape(policy)}: {escape(str(attempt.get('mode', '')))} quiz started on "
                     f"{_day(attempt.get('started_at'))} ({escape(score)})</h3>")
        parts.append("<table><tr><th>Question</th><th>Your answer</th><th>The right answer</th></tr>")
        answers = attempt.get("answers") or []
        for index, asked in enumerate(attempt.get("questions") or []):
            question_id = asked.get("id") if isinstance(asked, Mapping) else str(asked)
            given = answers[index] if index < len(answers) else None
            found = question(attempt["policy_id"], question_id) if question_id else None
            if found is None:
                text, yours, right = f"Question {question_id} (no longer in the quiz)", _raw(given), "—"
            else:
                text = f"{found.scenario}\n{found.prompt}".strip()
                yours = _answer_words(found, given["answer"]) if given else "not answered"
                right = _answer_words(found, _right_answer(found))
            mark = ("" if given is None else ' class="right"' if given.get("correct") else ' class="wrong"')
            if given is not None:  # said in words too, not by colour alone
                yours += "\n(right)" if given.get("correct") else "\n(wrong)"
            parts.append(f"<tr><td>{_lines(text)}</td><td{mark}>{_lines(yours)}</td>"
                         f"<td>{_lines(right)}</td></tr>")
        parts.append("</table>")
    return parts


def _right_answer(question: Question) -> Any:
    if question.kind == "true-false":
        return bool(question.answer)
    right = [i for i, option in enumerate(question.options) if option.correct]
    return right[0] if question.kind == "single" and right else right


def _answer_words(question: Question, answer: Any) -> str:
    """An answer as stored (the bank's option numbers; True/False) in the options' own words."""
    if question.kind == "true-false" or isinstance(answer, bool):
        return "True" if answer else "False"
    chosen = answer if isinstance(answer, list) else [answer]
    count = len(question.options)
    words = [question.options[i].text for i in chosen if isinstance(i, int) and 0 <= i < count]
    return "\n".join(words) if words else "none chosen"


def _raw(given: Any) -> str:
    return "not answered" if given is None else str(given.get("answer"))


def _acknowledgements(records: list[Mapping[str, Any]], titles: Mapping[str, str]) -> list[str]:
    parts = ["<h2>Acknowledgements</h2>"]
    if not records:
        return [*parts, "<p>None recorded.</p>"]
    parts.append("<table><tr><th>Date</th><th>Policy and version</th><th>How</th><th>Signed PDF</th></tr>")
    how = {"drawn": "signed with a drawn signature", "typed": "signed by typing their name",
           "on-behalf": "recorded on their behalf"}
    for record in records:
        policy = f"{titles.get(record['policy_id'], record['policy_id'])}, {record.get('version_label', '')}"
        method = how.get(record.get("method", ""), record.get("method", ""))
        if record.get("on_behalf_note"):
            method += f" (“{record['on_behalf_note']}”)"
        pdf = record.get("signed_pdf_file") or record.get("signed_pdf_note") or "—"
        parts.append(f"<tr><td>{_day(record.get('acknowledged_at'))}</td><td>{escape(policy)}</td>"
                     f"<td>{escape(method)}</td><td>{escape(pdf)}</td></tr>")
    parts.append("</table>")
    return parts


def _audit(rows: list[Mapping[str, Any]]) -> list[str]:
    parts = ["<h2>The change log (audit log)</h2>",
             "<p>Every change to the records is logged. These entries are about you, or were made while "
             "you were signed in.</p>"]
    if not rows:
        return [*parts, "<p>No entries.</p>"]
    parts.append("<table><tr><th>Date</th><th>What happened</th><th>From</th></tr>")
    for row in rows:
        words = ACTION_WORDS.get(row["action"], row["action"])
        detail = _details_in_words(row["action"], row.get("details"), row.get("erased_fields") or [])
        source = {"window": "the app's window", "cli": "the command line"}.get(row.get("via", ""),
                                                                               row.get("via", ""))
        parts.append(f"<tr><td>{_day(row.get('at'))}</td><td>{escape(words)}{_lines(detail, lead=True)}</td>"
                     f"<td>{escape(source)}</td></tr>")
    parts.append("</table>")
    return parts


def _details_in_words(action: str, details: Any, erased: list[str]) -> str:
    if "details" in erased:
        return "(the details were erased under the retention rule)"
    if not isinstance(details, Mapping):
        return ""
    if action == "staff.update" and isinstance(details.get("changes"), Mapping):
        return "\n".join(f"{FIELD_WORDS.get(field, field)}: {old or '(none)'} → {new}"
                         for field, (old, new) in details["changes"].items())
    if action == "staff.leaver":
        return f"leaving date: {details.get('previous') or '(none)'} → {details.get('leaving_date')}"
    if action == "quiz.answered":
        return f"question {details.get('question')}: {'right' if details.get('correct') else 'wrong'}"
    if action in ("progress.opened", "progress.read") and details.get("section"):
        return f"section {details.get('section')}"
    return ""


def _lines(text: str, *, lead: bool = False) -> str:
    if not text:
        return ""
    body = "<br>".join(escape(line) for line in text.splitlines())
    return f"<br><small>{body}</small>" if lead else body
