"""`holbrook admin …`: the administrator's password, the due rules and retention, policy versions,
the school's name and logo."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import sys
from pathlib import Path

from holbrook_desktop.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    add_command,
    add_json_option,
    add_noun,
    date_option,
    print_json,
    records_app,
    say,
)

RULE_OPTIONS = {
    "new_starter_days": "days a new starter has to acknowledge, from their start date (14)",
    "refresher_months": "months before everyone acknowledges again (12)",
    "new_version_days": "days everyone has after a new version takes effect (30)",
    "due_soon_days": "days before the refresher falls due that count as 'due soon' (30)",
}


def register(commands) -> None:
    nouns = add_noun(commands, "admin", "the administrator's password, rules and policy versions",
                     metavar="WHAT")

    password_verbs = add_noun(nouns, "password", "set or reset the administrator password", dest="action")
    for name, help_text, handler in (
            ("set", "set the password the first time (or change it, knowing the current one)", _password_set),
            ("reset", "(whoever administers this PC) replace the password without the current one",
             _password_reset)):
        verb = add_command(password_verbs, name, help_text)
        verb.add_argument("--password-stdin", action="store_true",
                          help="read the new password (and, for set, the current one first) from stdin, "
                               "one a line, for scripts")
        verb.set_defaults(handler=handler)

    settings_verbs = add_noun(nouns, "settings", "the due rules and the retention period", dest="action")
    show = add_command(settings_verbs, "show", "the rules in force")
    add_json_option(show)
    show.set_defaults(handler=_settings_show)
    change = add_command(settings_verbs, "set", "change one or more rules", requires_admin=True)
    for name, help_text in RULE_OPTIONS.items():
        change.add_argument(f"--{name.replace('_', '-')}", type=int, metavar="N", help=help_text)
    change.add_argument("--retention-years", type=int, metavar="N",
                        help="years a leaver's records are kept after they leave (6)")
    change.add_argument("--rollout-date", type=date_option, metavar="DATE",
                        help="the day the school started using the app: the first deadlines run from it")
    change.add_argument("named", nargs="*", metavar="NAME VALUE",
                        help="or name and value: rollout-date 01/09/2026, refresher-months 12, …")
    change.set_defaults(handler=_settings_set)

    role_verbs = add_noun(nouns, "roles", "the school's job titles mapped to roles, and its own roles",
                          dest="action")
    roles_list = add_command(role_verbs, "list", "the roles, and the job titles mapped to each")
    add_json_option(roles_list)
    roles_list.set_defaults(handler=_roles_list)
    roles_map = add_command(role_verbs, "map", "remember that a job title is a role, for every import",
                            requires_admin=True)
    roles_map.add_argument("title", metavar="TITLE", help="the job title as the school's MIS writes it, "
                                                          "e.g. 'Site Manager'")
    roles_map.add_argument("role", metavar="ROLE",
                           help="a role's id or label (see 'holbrook admin roles list')")
    roles_map.set_defaults(handler=_roles_map)
    roles_unmap = add_command(role_verbs, "unmap", "forget a job title's mapping", requires_admin=True)
    roles_unmap.add_argument("title", metavar="TITLE")
    roles_unmap.set_defaults(handler=_roles_unmap)
    roles_add = add_command(role_verbs, "add", "add a role of the school's own (its label shows on reports)",
                            requires_admin=True)
    roles_add.add_argument("role", metavar="ROLE", help="a short id: lower case, digits, hyphens (site-team)")
    roles_add.add_argument("--label", metavar="TEXT", help="its name on reports (default: from the id)")
    roles_add.add_argument("--quiz-as", metavar="ROLE", default=None,
                           help="the policy's role whose quiz questions it gets (default: the general "
                                "questions only, as Other)")
    roles_add.set_defaults(handler=_roles_add)

    version_verbs = add_noun(nouns, "versions",
                             "policy versions: list, what changed, mark a minor change", dest="action")
    listing = add_command(version_verbs, "list", "every version shown here, oldest first")
    listing.add_argument("--policy", metavar="ID", help="only this policy")
    add_json_option(listing)
    listing.set_defaults(handler=_versions_list)
    changes = add_command(version_verbs, "changes", "what the current version changed, clause by clause")
    changes.add_argument("--policy", metavar="ID", help="only this policy")
    add_json_option(changes)
    changes.set_defaults(handler=_versions_changes)
    minor = add_command(
        version_verbs, "mark-minor",
        "the current version only fixes typos: acknowledgements of the one before still count",
        requires_admin=True)
    minor.add_argument("--policy", metavar="ID", help="the policy (needed when there are several)")
    minor.add_argument("--undo", action="store_true", help="take the mark off again")
    minor.set_defaults(handler=_versions_mark_minor)

    school_verbs = add_noun(nouns, "school",
                            "the school's name and logo, as printed on attestations", dest="action")
    school_show = add_command(school_verbs, "show", "the name and logo in use")
    add_json_option(school_show)
    school_show.set_defaults(handler=_school_show)
    school_set = add_command(school_verbs, "set", "change the school's name, its logo, or both",
                             requires_admin=True)
    school_set.add_argument("--name", metavar="NAME", help="the school's name as it should be printed")
    logo = school_set.add_mutually_exclusive_group()
    logo.add_argument("--logo", type=Path, metavar="FILE", help="a PNG or JPEG picture of the school's logo")
    logo.add_argument("--default-logo", action="store_true", help="go back to the logo shipped with the app")
    add_json_option(school_set, "print the profile afterwards as JSON")
    school_set.set_defaults(handler=_school_set)


def _read_passwords(args: argparse.Namespace, prompts: list[str]) -> list[str] | None:
    if args.password_stdin:
        lines = sys.stdin.read().splitlines()
        if len(lines) < len(prompts):
            say(f"holbrook admin password: expected {len(prompts)} lines on stdin")
            return None
        return lines[:len(prompts)]
    if not sys.stdin.isatty():
        say("holbrook admin password: run it in a terminal, or give --password-stdin")
        return None
    answers = [getpass.getpass(f"{prompt}: ") for prompt in prompts]
    again = getpass.getpass("The new password again: ")
    if again != answers[-1]:
        say("holbrook admin password: the two new passwords differ; nothing changed")
        return None
    return answers


def _password_set(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.admin.password import PasswordRefused

    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        password = app.admin.password()
        first = not password.is_set()
        answers = _read_passwords(args, ["New administrator password"] if first
                                  else ["Current administrator password", "New administrator password"])
        if answers is None:
            return EXIT_USAGE
        try:
            if first:
                password.set_first(answers[0])
            else:
                password.change(answers[0], answers[1])
        except PasswordRefused as exc:
            say(f"holbrook admin password set: {exc}")
            return EXIT_USAGE
    say("the administrator password is set" if first else "the administrator password is changed")
    return EXIT_OK


def _password_reset(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.admin.password import PasswordRefused

    # Whoever can run this can already write the data folder (the PC's administrator): the audit
    # log records the reset and the account that made it.
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        answers = _read_passwords(args, ["New administrator password"])
        if answers is None:
            return EXIT_USAGE
        try:
            app.admin.password().reset(answers[0])
        except PasswordRefused as exc:
            say(f"holbrook admin password reset: {exc}")
            return EXIT_USAGE
    say("the administrator password is reset; the audit log records who did it")
    return EXIT_OK


def _settings_show(args: argparse.Namespace) -> int:
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        rules = dataclasses.asdict(app.admin.due_rules())
        years = app.admin.retention_years()
        rollout = app.admin.rollout_date()
        password_set = app.admin.password().is_set()
    if args.json:
        print_json({**rules, "retention_years": years, "rollout_date": rollout and rollout.isoformat(),
                    "admin_password_set": password_set})
    else:
        for name, value in rules.items():
            print(f"{name.replace('_', '-'):<20} {value}")
        print(f"{'retention-years':<20} {years}")
        print(f"{'rollout-date':<20} {rollout.isoformat() if rollout else 'not set (the first day in use)'}")
        print(f"{'admin password':<20} {'set' if password_set else 'not set yet'}")
    return EXIT_OK


def _settings_set(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.admin.settings import SettingRefused

    if not _named_settings(args):
        return EXIT_USAGE
    given = {name: getattr(args, name) for name in RULE_OPTIONS if getattr(args, name) is not None}
    if not given and args.retention_years is None and args.rollout_date is None:
        say("holbrook admin settings set: say what to change, e.g. --refresher-months 12")
        return EXIT_USAGE
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        try:
            if given:
                app.admin.set_due_rules(dataclasses.replace(app.admin.due_rules(), **given))
            if args.retention_years is not None:
                app.admin.set_retention_years(args.retention_years)
            if args.rollout_date is not None:
                app.admin.set_rollout_date(args.rollout_date)
        except SettingRefused as exc:
            say(f"holbrook admin settings set: {exc}")
            return EXIT_USAGE
    say("saved; 'holbrook admin settings show' lists the rules in force")
    return EXIT_OK


def _roles_list(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.hr.roles import ROLES

    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        roles = app.admin.school_roles()
    listing = [{"id": role, "label": roles.label(role), "added": role in roles.added,
                "quiz_as": roles.policy_role(role),
                "titles": sorted(t for t, r in roles.titles.items() if r == role)} for role in roles.ids]
    if args.json:
        print_json({"roles": listing, "titles": dict(roles.titles)})
        return EXIT_OK
    for entry in listing:
        quiz = "" if entry["id"] in ROLES else f"  (quiz as {entry['quiz_as']})"
        titles = f"  ← {', '.join(entry['titles'])}" if entry["titles"] else ""
        print(f"{entry['id']:<22} {entry['label']}{quiz}{titles}")
    say(f"{len(roles.titles)} job titles mapped; an unmapped title is imported as Other")
    return EXIT_OK


def _roles_change(args: argparse.Namespace, verb: str, change) -> int:
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        try:
            message = change(app)
        except ValueError as exc:
            say(f"holbrook admin roles {verb}: {exc}")
            return EXIT_USAGE
    say(message)
    return EXIT_OK


def _roles_map(args: argparse.Namespace) -> int:
    def change(app) -> str:
        role = app.admin.map_job_title(args.title, args.role)
        return (f"'{args.title.strip()}' is now {app.admin.school_roles().label(role)} ({role}); "
                "import the staff list again to update the people imported as Other")
    return _roles_change(args, "map", change)


def _roles_unmap(args: argparse.Namespace) -> int:
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        forgotten = app.admin.unmap_job_title(args.title)
    if not forgotten:
        say(f"holbrook admin roles unmap: '{args.title}' is not mapped")
        return EXIT_USAGE
    say(f"'{args.title}' is no longer mapped; people on record keep their role")
    return EXIT_OK


def _roles_add(args: argparse.Namespace) -> int:
    def change(app) -> str:
        role = app.admin.add_role(args.role, label=args.label, quiz_as=args.quiz_as)
        quiz = f"the {role.quiz_as} questions" if role.quiz_as else "the general questions"
        return f"role {role.id} added: '{role.label}' on reports, {quiz} in the quiz"
    return _roles_change(args, "add", change)


def _named_settings(args: argparse.Namespace) -> bool:
    """`set rollout-date 01/09/2026` (name, value pairs) as well as `set --rollout-date 01/09/2026`."""
    words = list(args.named or ())
    if len(words) % 2:
        say("holbrook admin settings set: give each setting's name and its value, "
            "e.g. rollout-date 01/09/2026")
        return False
    known = {name.replace("_", "-") for name in (*RULE_OPTIONS, "retention_years", "rollout_date")}
    for name, value in zip(words[::2], words[1::2], strict=True):
        if name not in known:
            say(f"holbrook admin settings set: no setting '{name}'; "
                f"the settings are {', '.join(sorted(known))}")
            return False
        attribute = name.replace("-", "_")
        try:
            setattr(args, attribute, date_option(value) if attribute == "rollout_date" else int(value))
        except (ValueError, argparse.ArgumentTypeError) as exc:
            reason = (str(exc) if isinstance(exc, argparse.ArgumentTypeError)
                      else f"{value!r} is not a whole number")
            say(f"holbrook admin settings set: {name}: {reason}")
            return False
    return True


def _policies(app, policy_id: str | None, verb: str):
    if policy_id is None:
        return list(app.content.policies)
    policy = app.content.policy(policy_id)
    if policy is None:
        say(f"holbrook admin versions {verb}: no policy '{policy_id}'")
        return None
    return [policy]


def _versions_list(args: argparse.Namespace) -> int:
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        policies = _policies(app, args.policy, "list")
        if policies is None:
            return EXIT_USAGE
        found = {p.id: app.admin.policy_versions(p.id) for p in policies}
        current = {p.id: p.sha256 for p in policies}
    if args.json:
        print_json({"policies": [{"id": pid, "current": current[pid], "versions": versions}
                                 for pid, versions in found.items()]})
        return EXIT_OK
    for pid, versions in found.items():
        print(pid)
        for v in versions:
            marks = [m for m, on in (("current", v["sha256"] == current[pid]),
                                     ("minor change", v["minor_change"])) if on]
            print(f"  {v['first_seen'][:10]}  {v['label']:<28} {v['sha256'][:16]}"
                  + (f"  ({', '.join(marks)})" if marks else ""))
    return EXIT_OK


def _versions_changes(args: argparse.Namespace) -> int:
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        policies = _policies(app, args.policy, "changes")
        if policies is None:
            return EXIT_USAGE
        found = [app.admin.version_changes(p.id) for p in policies]
    if args.json:
        print_json({"policies": [
            {**{k: v for k, v in dataclasses.asdict(c).items() if k != "clauses"},
             "clauses": [dataclasses.asdict(x) for x in c.clauses]} for c in found]})
        return EXIT_OK
    for changes in found:
        if changes.first_version:
            print(f"{changes.policy_id}: {changes.current_label} is the first version on record")
            continue
        print(f"{changes.policy_id}: {changes.previous_label} → {changes.current_label}: "
              f"{len(changes.clauses)} clauses differ")
        for clause in changes.clauses:
            print(f"  {clause.number} {clause.kind}")
            if clause.kind == "changed" and clause.old_text is not None:
                print("    " + " ".join(_marked(op, words) for op, words in clause.word_diff()))
    return EXIT_OK


def _marked(op: str, words: str) -> str:
    return {"removed": f"[-{words}-]", "added": f"{{+{words}+}}"}.get(op, words)


def _versions_mark_minor(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.admin.settings import SettingRefused

    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        policies = _policies(app, args.policy, "mark-minor")
        if policies is None:
            return EXIT_USAGE
        if len(policies) != 1:
            say("holbrook admin versions mark-minor: say which policy with --policy ID")
            return EXIT_USAGE
        policy = policies[0]
        app.admin.policy_versions(policy.id)  # the current version is on record before it is marked
        try:
            app.admin.mark_minor_change(policy.id, policy.sha256, not args.undo)
        except SettingRefused as exc:
            say(f"holbrook admin versions mark-minor: {exc}")
            return EXIT_USAGE
    say(f"{policy.id} {policy.meta.version}: " + (
        "no longer marked minor; acknowledgements of earlier versions no longer count" if args.undo
        else "marked as a minor change; acknowledgements of the version before still count"))
    return EXIT_OK


def _profile_json(profile) -> dict:
    return {"name": profile.name, "logo": str(profile.logo_path), "logo_is_custom": profile.logo_is_custom}


def _school_show(args: argparse.Namespace) -> int:
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        profile = app.admin.school_profile()
    if args.json:
        print_json(_profile_json(profile))
    else:
        print(f"{'name':<6} {profile.name}")
        shipped = "" if profile.logo_is_custom else " (shipped with the app)"
        print(f"{'logo':<6} {profile.logo_path}{shipped}")
    return EXIT_OK


def _school_set(args: argparse.Namespace) -> int:
    from holbrook_desktop.core.admin.school_profile import SchoolProfileRefused, clean_school_name

    if args.name is None and args.logo is None and not args.default_logo:
        say("holbrook admin school set: say what to change: --name NAME, --logo FILE or --default-logo")
        return EXIT_USAGE
    with records_app(args) as app:
        if app is None:
            return EXIT_USAGE
        try:
            # Both checked before either is saved: a bad name or file changes nothing.
            if args.name is not None:
                clean_school_name(args.name)
            if args.logo is not None:
                app.admin.set_school_logo(args.logo)
            elif args.default_logo:
                app.admin.use_default_school_logo()
            if args.name is not None:
                app.admin.set_school_name(args.name)
        except SchoolProfileRefused as exc:
            say(f"holbrook admin school set: {exc}")
            return EXIT_USAGE
        profile = app.admin.school_profile()
    if args.json:
        print_json(_profile_json(profile))
    say(f"saved: {profile.name}, logo {profile.logo_path}")
    return EXIT_OK
