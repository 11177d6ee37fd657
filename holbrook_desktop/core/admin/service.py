"""`app.admin`: the administrator's password, the rules they set, policy versions, the school's name."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from holbrook_desktop.app import App
    from holbrook_desktop.core.admin.access import AdminSession
    from holbrook_desktop.core.admin.password import AdminPassword
    from holbrook_desktop.core.admin.school_profile import SchoolProfile
    from holbrook_desktop.core.admin.version_changes import VersionChanges
    from holbrook_desktop.core.hr.due import DueRules
    from holbrook_desktop.core.hr.roles import AddedRole, SchoolRoles


class AdminService:
    def __init__(self, app: App) -> None:
        self._app = app

    def password(self) -> AdminPassword:
        from holbrook_desktop.core.admin.password import AdminPassword
        from holbrook_desktop.core.attestation.school_root import SchoolRoot

        records = self._app.require_records()
        return AdminPassword(records.settings, changed=SchoolRoot(records.data_dir).reseal)

    def unlock(self, password: str, *, purpose: str = "admin area") -> AdminSession:
        """The administrator's session if the password is right (AdminSignInRefused if not); the
        try is audited either way."""
        from holbrook_desktop.core.admin.access import unlock

        return unlock(self._app.require_records(), password, purpose=purpose)

    def unlock_without_password(self, via: str, *, purpose: str) -> AdminSession:
        """As the PC's administrator account, or at a first run with no password set (audited)."""
        from holbrook_desktop.core.admin.access import unlock_without_password

        return unlock_without_password(self._app.require_records(), via, purpose=purpose)

    # The rules ---------------------------------------------------------------------------

    def due_rules(self) -> DueRules:
        from holbrook_desktop.core.admin.settings import due_rules

        return due_rules(self._app.require_records().settings)

    def set_due_rules(self, rules: DueRules) -> None:
        from holbrook_desktop.core.admin.settings import set_due_rules

        set_due_rules(self._app.require_records().settings, rules)

    def rollout_date(self) -> date | None:
        """The day the school started using the app: the first deadlines run from it."""
        from holbrook_desktop.core.admin.settings import rollout_date

        return rollout_date(self._app.require_records())

    def set_rollout_date(self, day: date) -> None:
        from holbrook_desktop.core.admin.settings import set_rollout_date

        set_rollout_date(self._app.require_records().settings, day, today=self._app.today())

    def retention_years(self) -> int:
        from holbrook_desktop.core.admin.settings import retention_years

        return retention_years(self._app.require_records().settings)

    def set_retention_years(self, years: int) -> None:
        from holbrook_desktop.core.admin.settings import set_retention_years

        set_retention_years(self._app.require_records().settings, years)

    # Roles: the school's job titles and its own roles (core/hr/roles.py) ---------------------

    def school_roles(self) -> SchoolRoles:
        from holbrook_desktop.core.hr.roles import school_roles

        return school_roles(self._app.require_records().settings)

    def map_job_title(self, title: str, role: str) -> str:
        """Remember that this job title is this role (its id or label) for every import; the role id."""
        from holbrook_desktop.core.hr.roles import map_title

        return map_title(self._app.require_records().settings, title, role)

    def unmap_job_title(self, title: str) -> bool:
        from holbrook_desktop.core.hr.roles import unmap_title

        return unmap_title(self._app.require_records().settings, title)

    def add_role(self, role_id: str, *, label: str | None = None, quiz_as: str | None = None) -> AddedRole:
        from holbrook_desktop.core.hr.roles import add_role

        return add_role(self._app.require_records().settings, role_id, label=label, quiz_as=quiz_as)

    # Policy versions -----------------------------------------------------------------------

    def equivalent_versions(self, policy_id: str) -> frozenset[str]:
        """Earlier versions whose acknowledgements still count: the current version and each one
        before it that the administrator marked a minor change, back to the last major one."""
        from holbrook_desktop.core.admin.settings import equivalent_versions

        return equivalent_versions(self._app.require_records(), self._app.content.require_policy(policy_id))

    def counted_versions(self, policy_id: str) -> frozenset[str]:
        """The versions whose reading, quiz passes and acknowledgements count as the current one's:
        `equivalent_versions`, or just the current one when no records are open."""
        if self._app.records is None:
            return frozenset({self._app.content.require_policy(policy_id).sha256})
        return self.equivalent_versions(policy_id)

    def policy_versions(self, policy_id: str) -> list[dict]:
        """Every version of the policy shown here, oldest first, each with its minor-change mark."""
        from holbrook_desktop.core.admin.settings import versions_of

        records = self._app.require_records()
        records.policy_versions.record_seen(self._app.content.require_policy(policy_id))
        return versions_of(records, policy_id)

    def mark_minor_change(self, policy_id: str, sha256: str, minor: bool = True) -> None:
        from holbrook_desktop.core.admin.settings import mark_minor_change

        mark_minor_change(self._app.require_records(), policy_id, sha256, minor)

    def version_changes(self, policy_id: str) -> VersionChanges:
        """The current version against the one before it: the clauses added, changed, removed."""
        from holbrook_desktop.core.admin.version_changes import version_changes

        return version_changes(self._app.require_records(), self._app.content.require_policy(policy_id))

    # The school's name and logo ------------------------------------------------------------

    def school_profile(self) -> SchoolProfile:
        """The name and logo printed on attestations and reports; the policy's school and the
        shipped logo until the administrator chooses otherwise (also without records)."""
        from holbrook_desktop.core.admin.school_profile import (
            LOGO_FILE,
            SchoolProfile,
            default_school_name,
            school_profile,
        )

        app = self._app
        if app.records is None:
            from holbrook_desktop.core.paths import resource_path

            return SchoolProfile(default_school_name(app.content.policies), resource_path(LOGO_FILE), False)
        return school_profile(app.records.settings, app.records.data_dir, app.content.policies)

    def set_school_name(self, name: str) -> str:
        """Raises SchoolProfileRefused for an empty or overlong name; returns the name as stored."""
        from holbrook_desktop.core.admin.school_profile import set_school_name

        return set_school_name(self._app.require_records().settings, name)

    def set_school_logo(self, path: Path) -> SchoolProfile:
        """Raises SchoolProfileRefused, naming the file, for anything but a real PNG or JPEG picture."""
        from holbrook_desktop.core.admin.school_profile import set_school_logo

        set_school_logo(self._app.require_records(), Path(path))
        return self.school_profile()

    def use_default_school_logo(self) -> SchoolProfile:
        from holbrook_desktop.core.admin.school_profile import use_default_school_logo

        use_default_school_logo(self._app.require_records())
        return self.school_profile()
