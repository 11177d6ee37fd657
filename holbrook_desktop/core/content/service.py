"""`app.content`: the policies as loaded, their pages, search, and a new content folder put in place."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from holbrook_desktop.core.content.diagnostics import Diagnostic, has_errors
from holbrook_desktop.core.content.folder import load_content
from holbrook_desktop.core.content.handbook import Handbook, Policy, Section
from holbrook_desktop.core.content.render import Location, PolicyRenderer, location_of, parse_href
from holbrook_desktop.core.errors import UnknownPolicy

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.content.declaration import Declaration
    from holbrook_desktop.core.content.install import ContentCheck
    from holbrook_desktop.core.content.search import SearchHit, SearchIndex


class ContentService:
    def __init__(self, app: App, content_dir: Path) -> None:
        self._app = app
        self._renderer = PolicyRenderer()
        self._read(content_dir)

    def _read(self, content_dir: Path) -> None:
        # Quiz banks and the search index are made on first use: the window can appear without them.
        loaded = load_content(content_dir, quizzes=False)
        self.content_dir = content_dir
        self.handbook: Handbook = loaded.handbook
        self.diagnostics: tuple[Diagnostic, ...] = loaded.diagnostics
        self.declarations: dict[str, Declaration] = loaded.declarations
        self._index: SearchIndex | None = None

    @property
    def policies(self) -> tuple[Policy, ...]:
        return self.handbook.policies

    @property
    def ok(self) -> bool:
        return not has_errors(list(self.diagnostics))

    def add_problems(self, problems: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
        self.diagnostics = (*self.diagnostics, *problems)

    def policy(self, policy_id: str) -> Policy | None:
        return self.handbook.policy(policy_id)

    def require_policy(self, policy_id: str) -> Policy:
        policy = self.handbook.policy(policy_id)
        if policy is None:
            raise UnknownPolicy(policy_id)
        return policy

    def section_at(self, location: Location) -> tuple[Policy, Section] | None:
        policy = self.handbook.policy(location.policy_id)
        section = policy.section(location.section_number) if policy else None
        return (policy, section) if policy and section else None

    def first_location(self) -> Location | None:
        for policy in self.policies:
            for section in policy.all_sections():
                return Location(policy.id, section.number)
        return None

    def locate(self, target: str) -> Location | None:
        """A link (holbrook:…), a clause id (social-media/5.6) or a section id → where to show it."""
        location = parse_href(target)
        if location is not None:
            return location if self.section_at(location) else None
        policy_id, _, number = target.partition("/")
        policy = self.handbook.policy(policy_id)
        return location_of(policy, number) if policy else None

    def section_page(self, location: Location) -> str | None:
        found = self.section_at(location)
        return self._renderer.section_page(*found) if found else None

    def policy_document(self, policy_id: str) -> str:
        return self._renderer.policy_document(self.require_policy(policy_id))

    def structure(self) -> dict[str, Any]:
        """The handbook as plain data, for `holbrook content show --json`."""
        return {
            "content_dir": str(self.content_dir),
            "policies": [
                {
                    "id": p.id,
                    "title": p.title,
                    "school": p.meta.school,
                    "version": p.meta.version,
                    "effective": p.meta.effective.isoformat(),
                    "review": p.meta.review.isoformat(),
                    "owner": p.meta.owner,
                    "sha256": p.sha256,
                    "file": str(p.path),
                    "sections": [
                        {
                            "id": s.id,
                            "number": s.number,
                            "title": s.title,
                            "parent": s.parent_number,
                            "clauses": [
                                {"id": c.id, "number": c.number, "text": c.plain_text}
                                for c in s.clauses
                            ],
                        }
                        for s in p.all_sections()
                    ],
                }
                for p in self.policies
            ],
        }

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        if self._index is None:
            # Built on first use (sqlite3 and the index): start-up never pays for it.
            from holbrook_desktop.core.content.search import SearchIndex

            self._index = SearchIndex(self.handbook)
        return self._index.search(query, limit)

    # A new content folder (core/content/install.py) ----------------------------------------

    def check_folder(self, folder: Path) -> ContentCheck:
        from holbrook_desktop.core.content.install import check_folder

        return check_folder(folder)

    def overdue_if_installed(self, folder: Path) -> list[tuple[str, int]]:
        """Before an install: for each policy in `folder` whose version would make people overdue at
        once (its effective date is so far past that the version period is over), its title and how
        many people; nothing is changed. An unreadable folder gives nothing here: install says why."""
        loaded = load_content(folder, quizzes=False)
        found = []
        for policy in loaded.handbook.policies:
            installed = self.policy(policy.id)
            if installed is not None and installed.sha256 == policy.sha256:
                continue
            late = self._app.hr.overdue_at_once(policy)
            if late:
                found.append((policy.title, len({s.member.id for s in late})))
        return found

    def install(self, folder: Path) -> ContentCheck:
        """Check a new content folder, copy it into the data folder and read it from now on; raises
        ContentRefused, with the checker's messages, leaving everything as it was."""
        from holbrook_desktop.core.content.install import install
        from holbrook_desktop.core.sync.content import share_installed

        store = self._app.require_records()
        installed = install(folder, store.data_dir)
        policies = [{"id": p.id, "version": p.version, "sha256": p.sha256} for p in installed.policies]
        with store.change("content.installed") as change:
            change.details = {"from": str(folder), "policies": policies}
        share_installed(store, installed.folder, policies)  # for the school's other PCs (sync)
        self.reload(installed.folder)
        return installed

    def use_shipped(self) -> bool:
        """Stop using content loaded into the data folder: back to the content shipped with the app."""
        from holbrook_desktop.core.content.install import remove_installed
        from holbrook_desktop.core.paths import shipped_content_dir
        from holbrook_desktop.core.sync.content import share_shipped

        store = self._app.require_records()
        if not remove_installed(store.data_dir):
            return False
        with store.change("content.reset") as change:
            change.details = {"to": str(shipped_content_dir())}
        share_shipped(store)
        self.reload(shipped_content_dir())
        return True

    def follow_school(self) -> bool:
        """After a sync put the school's content in use in the data folder (core/sync/content.py): read it,
        unless this app was told which content to use (--content, HOLBROOK_CONTENT_DIR). True if the
        content read changed; whoever was reading is signed out (the window waits for a free moment)."""
        from holbrook_desktop.core import paths

        data_dir = self._app.require_records().data_dir
        chosen = {paths.shipped_content_dir().resolve(), (data_dir / paths.INSTALLED_CONTENT).resolve()}
        if os.environ.get(paths.CONTENT_DIR_ENV) or self.content_dir.resolve() not in chosen:
            return False
        self.reload(paths.content_dir(None, data_dir=data_dir))  # the same folder too: its files are new
        return True

    def reload(self, content_dir: Path) -> None:
        """Read the content afresh (after an update); whoever was reading is signed out first."""
        if self._app.session is not None:
            self._app.sign_out()
        self._app.reading.close_section()
        self._read(content_dir)  # the quiz banks follow: they are read again for a new handbook
