"""`holbrook content check` on broken content: a clear file:line message, never a crash."""

import random

import pytest

from holbrook_desktop.cli import main
from holbrook_desktop.core.content.folder import load_content
from tests.conftest import FRONT_MATTER, policy_text

GOOD_BODY = "\n## 1 PURPOSE\n\n1.1 Staff must follow this policy.\n"


def _garbage(size: int) -> bytes:
    rng = random.Random(1)
    return bytes(rng.randrange(256) for _ in range(size))


def _big_policy(target_bytes: int) -> str:
    clause = "Staff members must keep personal and professional lives separate at all times. " * 3
    sections, size, n = [], 0, 0
    while size < target_bytes:
        n += 1
        block = f"\n## {n} SECTION {n}\n\n" + "".join(f"{n}.{i} {clause}\n\n" for i in range(1, 21))
        sections.append(block)
        size += len(block)
    return policy_text("".join(sections))


BROKEN = {
    # name: (file content, line, message fragment)
    "binary garbage": (_garbage(4096) + b"\x00" + _garbage(100), None, "binary"),
    "empty file": (b"", 1, "file is empty"),
    "blank file": (b"\n  \n\n", 1, "file is empty"),
    "latin-1 encoding": (
        policy_text(GOOD_BODY + "\n1.2 Caf\u00e9 rules.\n").encode("latin-1"), 15, "not UTF-8 text"
    ),
    "utf-16 encoding": (policy_text(GOOD_BODY).encode("utf-16"), 1, "UTF-16"),
    "no front matter": (GOOD_BODY.encode(), 1, "missing front matter"),
    "yaml front matter": (b"---\nid: x\n---\n" + GOOD_BODY.encode(), 1, "found '---'"),
    "unterminated front matter": (
        FRONT_MATTER.format(id="x", title="X").rsplit("+++", 1)[0].encode() + GOOD_BODY.encode(),
        1, "never closed",
    ),
    "invalid toml": (
        policy_text(GOOD_BODY).replace('school = "Holbrook Primary"', "school = Holbrook").encode(),
        4, "not valid TOML",
    ),
    "missing key": (
        policy_text(GOOD_BODY).replace('owner = "Headteacher"\n', "").encode(), 1, "has no 'owner'"
    ),
    "bad date": (
        policy_text(GOOD_BODY).replace("effective = 2026-09-01", 'effective = "1st Sept"').encode(),
        6, "'effective' must be a date",
    ),
    "bad id": (policy_text(GOOD_BODY, id="Social Media").encode(), 2, "must be lower-case"),
    "duplicate clause": (
        policy_text(GOOD_BODY + "\n1.2 Two.\n\n1.1 Again.\n").encode(), 17, "clause number 1.1 is used twice"
    ),
    "duplicate section": (
        policy_text(GOOD_BODY + "\n## 1 AGAIN\n\n1.9 x\n").encode(), 15, "section number 1 is used twice"
    ),
    "empty section": (
        policy_text(GOOD_BODY + "\n## 2 NOTHING HERE\n\n## 3 MORE\n\n3.1 Text.\n").encode(),
        15, "section 2 'NOTHING HERE' has no text",
    ),
    "clause in the wrong section": (
        policy_text(GOOD_BODY + "\n## 2 TWO\n\n5.3 Misplaced.\n").encode(), 17, "belongs to section 5"
    ),
    "text before any section": (policy_text("\nHello.\n" + GOOD_BODY).encode(), 11, "before the first"),
    "unnumbered section": (policy_text("\n## Purpose\n\nText.\n").encode(), 11, "has no number"),
    "no sections": (policy_text("\n").encode(), 10, "has no sections"),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_broken_file_gets_an_error_with_its_line(name, make_content):
    data, line, fragment = BROKEN[name]
    root = make_content({"x": data})
    loaded = load_content(root)
    errors = [d for d in loaded.diagnostics if d.severity == "error"]
    assert errors, f"no error for {name}: {loaded.diagnostics}"
    matching = [d for d in errors if fragment in d.message]
    assert matching, f"{name}: {[str(d) for d in errors]}"
    assert matching[0].path == root / "policies" / "x" / "policy.md"
    if line is not None:
        assert matching[0].line == line, str(matching[0])


@pytest.mark.parametrize("name", list(BROKEN))
def test_cli_check_exits_1_and_prints_file_line_messages(name, make_content, capsys):
    root = make_content({"x": BROKEN[name][0]})
    assert main(["--content", str(root), "content", "check"]) == 1
    out = capsys.readouterr().out
    assert f"{root / 'policies' / 'x' / 'policy.md'}:" in out
    assert ": error: " in out


def test_binary_garbage_names_the_line_of_the_first_nul(make_content):
    root = make_content({"x": b"+++\nline two\n\x00\n"})
    [error] = load_content(root).diagnostics
    assert (error.line, error.message) == (3, "file is binary, not text (it contains NUL bytes)")


def test_five_megabyte_policy_is_checked_completely(make_content):
    big = _big_policy(5 * 1024 * 1024)
    assert len(big.encode()) >= 5 * 1024 * 1024
    loaded = load_content(make_content({"sample": big}))
    assert loaded.diagnostics == (), loaded.diagnostics[:3]
    assert sum(1 for _ in loaded.handbook.policies[0].clauses()) > 10_000


def test_five_megabytes_on_one_line_does_not_hang_or_crash(make_content):
    root = make_content({"sample": policy_text("\n## 1 ONE\n\n1.1 " + "word " * 1_100_000 + "\n")})
    loaded = load_content(root)
    assert [d.message for d in loaded.diagnostics] == [
        "1.1: possible slip 'word word' (word repeated; 549999 more in this clause)"
    ]
    assert len(loaded.handbook.policies[0].clause("1.1").plain_text) > 5_000_000


def test_file_too_large_is_refused_with_its_size(make_content):
    root = make_content({"x": b"x" * (9 * 1024 * 1024)})
    [error] = load_content(root).diagnostics
    assert error.line == 1 and "9.0 MB" in error.message


def test_numbering_gaps_and_order_are_warnings(make_content):
    body = "\n## 1 ONE\n\n1.1 a\n\n1.3 b\n\n1.2 c\n\n## 3 THREE\n\n3.1 d\n"
    loaded = load_content(make_content({"sample": policy_text(body)}))
    assert loaded.ok
    got = {(d.line, d.message) for d in loaded.diagnostics}
    assert got == {
        (15, "clause numbering jumps from 1.1 to 1.3 (no clause 1.2)"),
        (17, "clause 1.2 comes after 1.3: out of sequence"),
        (19, "section numbering jumps from 1 to 3 (no section 2)"),
    }


def test_a_dangling_reference_is_a_warning_not_a_link(make_content):
    body = "\n## 1 ONE\n\n1.1 See section 4 and Appendix C.\n"
    loaded = load_content(make_content({"sample": policy_text(body)}))
    assert loaded.ok
    assert sorted(d.message for d in loaded.diagnostics) == [
        "1.1 refers to Appendix C, which this policy does not contain",
        "1.1 refers to section 4, which this policy does not contain",
    ]


def test_one_broken_policy_does_not_hide_the_others(make_content):
    root = make_content({"good": policy_text(GOOD_BODY, id="good"), "bad": b"\x00\x01"})
    loaded = load_content(root)
    assert not loaded.ok
    assert [p.id for p in loaded.handbook.policies] == ["good"]


def test_a_flood_of_problems_is_cut_short_with_a_count(make_content):
    body = "\n## 1 ONE\n\n" + "".join(f"1.1 Same number {i}.\n\n" for i in range(500))
    loaded = load_content(make_content({"sample": policy_text(body)}))
    assert len(loaded.diagnostics) == 201
    assert loaded.diagnostics[-1].message == "299 more problems in this file are not listed"
    assert loaded.diagnostics[-1].severity == "error"


def test_numbering_that_starts_late_and_appendices_that_skip(make_content):
    body = ("\n## 2 TWO\n\n2.2 a\n\n## APPENDIX A First\n\n### A.2 PART\n\nText.\n"
            "\n## APPENDIX C Third\n\nC.1 b\n")
    loaded = load_content(make_content({"sample": policy_text(body)}))
    assert loaded.ok
    assert {(d.line, d.message) for d in loaded.diagnostics} == {
        (11, "section numbering starts at 2"),
        (13, "clause numbering in section 2 starts at 2.2"),
        (17, "part numbering starts at A.2"),
        (21, "appendix numbering jumps from A to C (no appendix B)"),
    }
