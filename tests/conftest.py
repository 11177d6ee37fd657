"""Shared fixtures: the real content folder and a factory for small content folders."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
REAL_CONTENT = REPO / "content"
POLICY_SOURCE = REPO.parent / "shared" / "policy" / "social-media-policy.txt"

FRONT_MATTER = """+++
id = "{id}"
title = "{title}"
school = "Holbrook Primary"
version = "test edition"
effective = 2026-09-01
review = 2027-09-01
owner = "Headteacher"
+++
"""


def policy_text(body: str, *, id: str = "sample", title: str = "Sample Policy") -> str:
    return FRONT_MATTER.format(id=id, title=title) + body


@pytest.fixture(autouse=True)
def _no_log_file_kept():
    """A command run in a test logs into its temporary data folder; the file is closed after it."""
    yield
    from holbrook_desktop.core.logs import close_log_file

    close_log_file()


@pytest.fixture
def make_content(tmp_path: Path):
    """Build a content folder: {policy_id: text or bytes} → content dir."""

    def build(policies: dict[str, str | bytes], name: str = "content") -> Path:
        root = tmp_path / name
        for policy_id, data in policies.items():
            folder = root / "policies" / policy_id
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / "policy.md"
            if isinstance(data, bytes):
                path.write_bytes(data)
            else:
                path.write_text(data, encoding="utf-8")
        (root / "policies").mkdir(parents=True, exist_ok=True)
        return root

    return build


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the real content folder."""
    target = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, target)
    return target
