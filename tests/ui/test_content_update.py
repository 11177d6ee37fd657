"""The admin area's Content tab: a new policy version is checked, refused with the checker's messages
if broken, and otherwise put in use at once, the window redrawing its contents."""

from __future__ import annotations

import pytest

from holbrook_desktop.core.admin.password import AdminPassword

SECRET = "Staffroom-Kettle-9"


@pytest.fixture
def content_tab(open_staff_window, store, staff):
    AdminPassword(store.settings).set_first(SECRET)
    window = open_staff_window()
    dialog = window.admin.open_admin()
    dialog.current.setText(SECRET)
    dialog.submit()
    assert window.is_showing_admin()
    view = window.admin.view
    view.tabs.setCurrentWidget(view.content_page)
    return window, view.content_page


def _edition_2027(content_copy):
    policy = content_copy / "policies" / "social-media" / "policy.md"
    text = policy.read_text(encoding="utf-8").replace('version = "2026 edition"', 'version = "2027 edition"')
    policy.write_text(text.replace("## 2 SCOPE", "## 2 WHO THIS POLICY COVERS"), encoding="utf-8")
    return content_copy


def test_a_broken_folder_is_refused_with_file_and_line_and_nothing_changes(content_tab, tmp_path):
    window, page = content_tab
    broken = tmp_path / "broken" / "policies" / "social-media"
    broken.mkdir(parents=True)
    (broken / "policy.md").write_text('+++\nid = "social-media"\n+++\n\n## 1 ONLY\n', encoding="utf-8")
    check = page.check_folder(broken.parent.parent)
    assert not check.ok
    assert not page.install_button.isEnabled()
    shown = page.result.toPlainText()
    assert "Refused" in shown and str(broken / "policy.md") in shown and "line" in shown
    assert not page.install_checked()
    assert window.service.content.policies[0].meta.version == "2026 edition"


def test_a_good_folder_is_put_in_use_and_the_window_redraws_its_contents(content_tab, content_copy):
    window, page = content_tab
    check = page.check_folder(_edition_2027(content_copy))
    assert check.ok and page.install_button.isEnabled()
    assert "replaces 2026 edition" in page.result.toPlainText()
    assert page.install_checked()
    assert window.service.content.policies[0].meta.version == "2027 edition"
    assert "2027 edition" in page.in_use.text() and page.shipped_button.isEnabled()
    model = window.contents.model()
    policy = model.index(0, 0)
    sections = [model.index(row, 0, policy).data() for row in range(model.rowCount(policy))]
    assert any("WHO THIS POLICY COVERS" in s for s in sections)
    assert window.admin.view.versions_page.policy_choice.count() == 1

    assert page.use_shipped()
    assert window.service.content.policies[0].meta.version == "2026 edition"
    assert not page.shipped_button.isEnabled()
