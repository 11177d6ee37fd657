"""The records schema, as numbered, append-only migrations. Never edit one that has shipped:
add the next. Each runs in its own transaction after a backup copy of the file."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

# Frozen here on purpose: a shipped migration must not change when the app's role list does
# (holbrook_desktop.core.hr.roles is the list the app uses today).
ROLES = ("teacher", "teaching-assistant", "office", "lunchtime", "governor", "contractor",
         "volunteer", "trainee", "supply", "other")


def m0001_staff_progress_versions_audit(db: Database) -> None:
    roles = ", ".join(f"'{role}'" for role in ROLES)
    db.execute(f"""
        CREATE TABLE staff (
            id INTEGER PRIMARY KEY,
            full_name TEXT NOT NULL CHECK (length(trim(full_name)) > 0),
            preferred_name TEXT,
            role TEXT NOT NULL CHECK (role IN ({roles})),
            staff_number TEXT UNIQUE,
            work_email TEXT UNIQUE COLLATE NOCASE,
            start_date TEXT NOT NULL,
            leaving_date TEXT,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at TEXT NOT NULL,
            created_by TEXT NOT NULL
        )""")
    db.table("staff").create_index(["full_name"], index_name="staff_by_name")
    db.table("policy_versions").create(
        {"policy_id": str, "sha256": str, "label": str, "title": str, "effective": str,
         "first_seen": str},
        pk=("policy_id", "sha256"),
        not_null={"label", "title", "effective", "first_seen"},
    )
    db.execute("""
        CREATE TABLE reading_progress (
            staff_id INTEGER NOT NULL REFERENCES staff(id),
            policy_id TEXT NOT NULL,
            policy_sha256 TEXT NOT NULL,
            section_number TEXT NOT NULL,
            first_opened TEXT NOT NULL,
            completed_at TEXT,
            PRIMARY KEY (staff_id, policy_id, policy_sha256, section_number),
            FOREIGN KEY (policy_id, policy_sha256) REFERENCES policy_versions(policy_id, sha256)
        )""")
    db.execute("""
        CREATE TABLE audit_log (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            os_user TEXT NOT NULL,
            staff_id INTEGER,
            via TEXT NOT NULL,
            action TEXT NOT NULL,
            details TEXT NOT NULL,
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )""")


def m0002_quiz_attempts_and_clause_hashes(db: Database) -> None:
    db.execute("""
        CREATE TABLE quiz_attempts (
            id INTEGER PRIMARY KEY,
            staff_id INTEGER NOT NULL REFERENCES staff(id),
            policy_id TEXT NOT NULL,
            policy_sha256 TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('induction', 'refresher')),
            seed INTEGER NOT NULL,
            questions TEXT NOT NULL,
            answers TEXT NOT NULL,
            correct INTEGER,
            total INTEGER NOT NULL,
            passed INTEGER CHECK (passed IN (0, 1)),
            status TEXT NOT NULL CHECK (status IN ('in-progress', 'finished', 'abandoned')),
            started_at TEXT NOT NULL,
            finished_at TEXT,
            FOREIGN KEY (policy_id, policy_sha256) REFERENCES policy_versions(policy_id, sha256)
        )""")
    db.table("quiz_attempts").create_index(["staff_id", "policy_id"], index_name="attempts_by_person")
    # The text of each clause of each version, as a hash: which clauses changed between versions.
    db.execute("""
        CREATE TABLE policy_clause_hashes (
            policy_id TEXT NOT NULL,
            policy_sha256 TEXT NOT NULL,
            clause_number TEXT NOT NULL,
            text_sha256 TEXT NOT NULL,
            PRIMARY KEY (policy_id, policy_sha256, clause_number),
            FOREIGN KEY (policy_id, policy_sha256) REFERENCES policy_versions(policy_id, sha256)
        )""")


def m0003_acknowledgements(db: Database) -> None:
    # Everything the attestation PDF states is kept here too, so the record stands on its own; the
    # signed PDF itself is a file in the data folder (attestations/), named by pdf_file.
    db.execute("""
        CREATE TABLE acknowledgements (
            id INTEGER PRIMARY KEY,
            staff_id INTEGER NOT NULL REFERENCES staff(id),
            policy_id TEXT NOT NULL,
            policy_sha256 TEXT NOT NULL,
            version_label TEXT NOT NULL,
            quiz_attempt_id INTEGER REFERENCES quiz_attempts(id),
            declaration_text TEXT NOT NULL,
            declaration_sha256 TEXT NOT NULL,
            typed_name TEXT NOT NULL,
            method TEXT NOT NULL CHECK (method IN ('drawn', 'typed', 'on-behalf')),
            signature_png BLOB,
            signature_strokes TEXT,
            on_behalf_note TEXT,
            os_user TEXT NOT NULL,
            machine TEXT NOT NULL,
            app_version TEXT NOT NULL,
            acknowledged_at TEXT NOT NULL,
            audit_anchor TEXT NOT NULL,
            certificate_fingerprint TEXT NOT NULL,
            pdf_file TEXT NOT NULL,
            pdf_sha256 TEXT NOT NULL,
            CHECK (method != 'drawn' OR signature_png IS NOT NULL),
            CHECK (method != 'on-behalf' OR length(trim(coalesce(on_behalf_note, ''))) > 0),
            CHECK (method = 'on-behalf' OR quiz_attempt_id IS NOT NULL),
            FOREIGN KEY (policy_id, policy_sha256) REFERENCES policy_versions(policy_id, sha256)
        )""")
    db.table("acknowledgements").create_index(["staff_id", "policy_id"],
                                              index_name="acknowledgements_by_person")


def m0004_settings_and_minor_versions(db: Database) -> None:
    # The administrator's settings (the password's hash, the due rules, retention): one JSON value
    # a key, so a new setting needs no migration.
    db.execute("""
        CREATE TABLE settings (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""")
    # A version the administrator marked as a minor change (typo fixes): acknowledgements of the
    # version before it still count.
    db.execute("ALTER TABLE policy_versions ADD COLUMN minor_change INTEGER NOT NULL DEFAULT 0 "
               "CHECK (minor_change IN (0, 1))")
    # Each clause's words too, from now on, so the administrator can see what a new version changed
    # (the hashes alone say only which clauses did).
    db.execute("ALTER TABLE policy_clause_hashes ADD COLUMN text TEXT")


def m0005_erasure_and_resealed_audit(db: Database) -> None:
    # UK GDPR: a leaver's personal data is erased once the school's retention period is over. The
    # staff row and each acknowledgement say when; what was erased is NULL (nullable columns) or
    # "[erased]" (text the app always expects). SQLite cannot change a CHECK in place, so the
    # acknowledgements table is rebuilt with the same columns and checks, each now "unless erased".
    # Nothing references acknowledgements, so it is dropped and renamed within the transaction
    # with foreign keys on (its own references are checked as the rows are copied).
    db.execute("ALTER TABLE staff ADD COLUMN erased_at TEXT")
    db.execute("""
        CREATE TABLE acknowledgements_erasable (
            id INTEGER PRIMARY KEY,
            staff_id INTEGER NOT NULL REFERENCES staff(id),
            policy_id TEXT NOT NULL,
            policy_sha256 TEXT NOT NULL,
            version_label TEXT NOT NULL,
            quiz_attempt_id INTEGER REFERENCES quiz_attempts(id),
            declaration_text TEXT NOT NULL,
            declaration_sha256 TEXT NOT NULL,
            typed_name TEXT NOT NULL,
            method TEXT NOT NULL CHECK (method IN ('drawn', 'typed', 'on-behalf')),
            signature_png BLOB,
            signature_strokes TEXT,
            on_behalf_note TEXT,
            os_user TEXT NOT NULL,
            machine TEXT NOT NULL,
            app_version TEXT NOT NULL,
            acknowledged_at TEXT NOT NULL,
            audit_anchor TEXT NOT NULL,
            certificate_fingerprint TEXT NOT NULL,
            pdf_file TEXT NOT NULL,
            pdf_sha256 TEXT NOT NULL,
            erased_at TEXT,
            CHECK (erased_at IS NOT NULL OR method != 'drawn' OR signature_png IS NOT NULL),
            CHECK (erased_at IS NOT NULL OR method != 'on-behalf'
                   OR length(trim(coalesce(on_behalf_note, ''))) > 0),
            CHECK (method = 'on-behalf' OR quiz_attempt_id IS NOT NULL),
            FOREIGN KEY (policy_id, policy_sha256) REFERENCES policy_versions(policy_id, sha256)
        )""")
    columns = ("id, staff_id, policy_id, policy_sha256, version_label, quiz_attempt_id, declaration_text, "
               "declaration_sha256, typed_name, method, signature_png, signature_strokes, on_behalf_note, "
               "os_user, machine, app_version, acknowledged_at, audit_anchor, certificate_fingerprint, "
               "pdf_file, pdf_sha256")
    db.execute(f"INSERT INTO acknowledgements_erasable ({columns}) SELECT {columns} FROM acknowledgements")
    db.execute("DROP TABLE acknowledgements")
    db.execute("ALTER TABLE acknowledgements_erasable RENAME TO acknowledgements")
    db.table("acknowledgements").create_index(["staff_id", "policy_id"],
                                              index_name="acknowledgements_by_person")
    # The audit chain re-sealed so that personal fields can be erased without breaking it (see
    # core/records/audit.py): every row keeps its id, text and old hash, and a last row records it.
    from datetime import UTC, datetime

    from holbrook_desktop.core.identity import Actor, os_user
    from holbrook_desktop.core.records.audit import reseal_v1_chain

    reseal_v1_chain(db, Actor(os_user(), "upgrade"), datetime.now(UTC).isoformat(timespec="microseconds"))


def m0006_school_roles(db: Database) -> None:
    # A role the school added ("Site team", core/hr/roles.py): its id, shown on reports by its
    # label; the role column keeps the policy's role it counts as (for the quiz), so its CHECK stands.
    db.execute("ALTER TABLE staff ADD COLUMN school_role TEXT")


def m0007_acknowledgements_by_version(db: Database) -> None:
    # The due rules read each person's newest record of each version (core/hr/due.py): from this
    # index alone, never the rows with their declarations and signatures.
    db.table("acknowledgements").create_index(["staff_id", "policy_id", "policy_sha256", "acknowledged_at"],
                                              index_name="acknowledgements_by_version")


# A random version-4 UUID, in SQL (SQLite has no uuid function): for rows made by a trigger.
_SQL_UUID = ("lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) "
             "|| '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(hex(randomblob(2)), 2) || '-' "
             "|| hex(randomblob(6)))")
# The time of the change being written, as the app writes times (ISO 8601 with microseconds): the
# Store's clock reading for the change (Store.change puts it in sync_meta 'now'), or SQLite's own
# (to the millisecond) for a write from elsewhere, whichever is later.
_SQL_NOW = ("max(coalesce((SELECT value FROM sync_meta WHERE key = 'now'), ''), "
            "strftime('%Y-%m-%dT%H:%M:%f', 'now') || '000+00:00')")
# The tables whose rows are exchanged between the school's PCs (core/records/events.py), with the
# SQL that names one row in a trigger.
SYNCED_TABLES = ("staff", "reading_progress", "quiz_attempts", "acknowledgements", "settings",
                 "policy_versions")


def m0008_global_ids_and_sync(db: Database) -> None:
    # Several PCs, one set of records: every row that travels gets a global id (uuid), the id of the
    # PC that made it (origin_pc) and the time it last changed here (changed_at), which is what the
    # events view compares with what was last exported. This folder's PC id is made once, here.
    import uuid

    db.execute("CREATE TABLE sync_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    pc_id = str(uuid.uuid4())
    db.execute("INSERT INTO sync_meta (key, value) VALUES ('pc_id', ?)", (pc_id,))
    for table in SYNCED_TABLES:
        db.execute(f"ALTER TABLE {table} ADD COLUMN uuid TEXT")
        db.execute(f"ALTER TABLE {table} ADD COLUMN origin_pc TEXT")
        db.execute(f"ALTER TABLE {table} ADD COLUMN changed_at TEXT")
        rows = db.execute(f"SELECT rowid FROM {table}").fetchall()
        db.conn.executemany(f"UPDATE {table} SET uuid = ?, origin_pc = ? WHERE rowid = ?",
                            [(str(uuid.uuid4()), pc_id, row[0]) for row in rows])
        db.execute(f"CREATE UNIQUE INDEX {table}_by_uuid ON {table}(uuid)")
        # A row made here gets its ids; a change made here is stamped (once: sqlite-utils turns on
        # recursive triggers, and a second change in the same millisecond has the stamp already).
        # A change applied from another PC's bundle sets its own uuid and time and marks the
        # transaction (sync_meta 'applying'), so these leave it alone.
        db.execute(f"""
            CREATE TRIGGER {table}_made_here AFTER INSERT ON {table} WHEN NEW.uuid IS NULL
            BEGIN
                UPDATE {table} SET uuid = {_SQL_UUID},
                    origin_pc = (SELECT value FROM sync_meta WHERE key = 'pc_id'),
                    changed_at = {_SQL_NOW}
                WHERE rowid = NEW.rowid;
            END""")
        db.execute(f"""
            CREATE TRIGGER {table}_changed_here AFTER UPDATE ON {table}
            WHEN NEW.changed_at IS OLD.changed_at AND OLD.changed_at IS NOT {_SQL_NOW}
                AND NOT EXISTS (SELECT 1 FROM sync_meta WHERE key = 'applying')
            BEGIN
                UPDATE {table} SET changed_at = {_SQL_NOW} WHERE rowid = NEW.rowid;
            END""")
    # An acknowledgement keeps its origin's identity wherever it is copied: the PC and the number
    # it had there (its local number, `id`, may differ on another PC).
    db.execute("ALTER TABLE acknowledgements ADD COLUMN origin_number INTEGER")
    db.execute("UPDATE acknowledgements SET origin_number = id")
    db.execute("""
        CREATE TRIGGER acknowledgements_number_here AFTER INSERT ON acknowledgements
        WHEN NEW.origin_number IS NULL
        BEGIN
            UPDATE acknowledgements SET origin_number = NEW.id WHERE rowid = NEW.rowid;
        END""")
    # Every event exported or applied, kept for good: the set whose union every PC ends with.
    db.execute("""
        CREATE TABLE sync_events (
            event_id TEXT PRIMARY KEY,
            pc_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            kind TEXT NOT NULL,
            entity TEXT NOT NULL,
            at TEXT NOT NULL,
            body TEXT NOT NULL,
            sha256 TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX sync_events_by_entity ON sync_events(kind, entity)")
    db.execute("CREATE INDEX sync_events_by_bundle ON sync_events(pc_id, seq)")
    # What each synced row looked like when last exported or applied: a local change is a difference.
    db.execute("""
        CREATE TABLE sync_entities (
            kind TEXT NOT NULL,
            entity TEXT NOT NULL,
            changed_at TEXT,
            state TEXT NOT NULL,
            PRIMARY KEY (kind, entity)
        )""")
    # Bundles applied (or written here), and bundles refused, by PC and number.
    db.execute("""
        CREATE TABLE sync_bundles (
            pc_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            events INTEGER NOT NULL,
            applied_at TEXT NOT NULL,
            PRIMARY KEY (pc_id, seq)
        )""")
    db.execute("""
        CREATE TABLE sync_refused (
            pc_id TEXT NOT NULL,
            file TEXT NOT NULL,
            reason TEXT NOT NULL,
            at TEXT NOT NULL,
            PRIMARY KEY (pc_id, file)
        )""")
    db.execute("CREATE TABLE sync_waiting (kind TEXT NOT NULL, entity TEXT NOT NULL, "
               "PRIMARY KEY (kind, entity))")
    db.execute("CREATE TABLE sync_peers (pc_id TEXT PRIMARY KEY, name TEXT NOT NULL, "
               "public_key TEXT NOT NULL, first_seen TEXT NOT NULL, last_sync TEXT)")


# The order is the schema's history: number n is MIGRATIONS[n - 1].
MIGRATIONS: list[Callable[[Database], None]] = [
    m0001_staff_progress_versions_audit,
    m0002_quiz_attempts_and_clause_hashes,
    m0003_acknowledgements,
    m0004_settings_and_minor_versions,
    m0005_erasure_and_resealed_audit,
    m0006_school_roles,
    m0007_acknowledgements_by_version,
    m0008_global_ids_and_sync,
]
