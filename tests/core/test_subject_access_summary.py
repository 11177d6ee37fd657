"""Subject access a person can read (issue 17, point 11): summary.html beside data.json."""

from __future__ import annotations

import json
from datetime import date
from html.parser import HTMLParser

from holbrook_desktop.core.records import NewStaffMember
from tests.core.test_attestation_flow import SIGNATURE, _installation
from tests.core.test_quiz_records import _read_everything
from tests.core.test_quiz_records import content as content  # a fixture


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)


def test_the_summary_shows_each_question_the_answer_given_and_the_right_one(tmp_path, content):
    service, store = _installation(tmp_path / "data", content)
    try:
        member = service.hr.add_staff(NewStaffMember("Ann <b>O'Neil</b> & Co", "teacher", date(2026, 9, 1)))
        service.sign_in(member.id)
        _read_everything(service, store, member.id)
        session = service.quiz.start("social-media", "induction", seed=3)
        wrong_index, given = 0, None
        for index, presented in enumerate(session.questions):
            right = presented.correct_answer()
            if index == wrong_index and presented.question.kind == "single":
                answer = next(i for i in range(len(presented.options)) if i != right)
            elif index == wrong_index and presented.question.kind == "true-false":
                answer = not right
            else:
                answer = right
            session.answer(index, answer)
            if index == wrong_index and presented.question.kind == "single":
                given = presented.options[answer].text
        session.finish()
        first = session.questions[wrong_index]
        service.attestation.acknowledge("social-media", typed_name=member.full_name.upper(), declared=True,
                                        signature=SIGNATURE)
        service.sign_out()
        store.staff.edit(member.id, {"work_email": "ann@school.example"})
        folder = service.hr.subject_access_export(member.id, tmp_path / "out")
    finally:
        store.close()

    html = (folder / "summary.html").read_text(encoding="utf-8")
    data = json.loads((folder / "data.json").read_text(encoding="utf-8"))
    assert "summary.html" in data["files"]
    # Escaped: the name is text, never markup.
    assert "<b>O" not in html and "Ann &lt;b&gt;O&#x27;Neil&lt;/b&gt; &amp; Co" in html
    page = _Text()
    page.feed(html)
    text = " ".join(page.text)
    assert "b" not in page.tags
    assert first.question.prompt in text
    # The wrong answer given, and the right one, in the options' own words.
    if first.question.kind == "single":
        right = next(o.text for o in first.question.options if o.correct)
        row = html[html.index(first.question.prompt[:40].replace("'", "&#x27;")):]
        row = row[:row.index("</tr>")]
        assert given and given.replace("'", "&#x27;") in row and right.replace("'", "&#x27;") in row
    assert 'class="wrong"' in html and 'class="right"' in html and "(wrong)" in row and "(right)" in text
    assert "1 September 2026" in text  # the start date, in words
    assert "Social Media Policy" in text and "signed with a drawn signature" in text
    assert "An acknowledgement of the policy was recorded" in text
    assert "work email: (none) → ann@school.example" in text
    assert "Finished a quiz" in text
