"""`backup` then `restore` into an empty database gives back every row: counts and a checksum
per table compared, accounts included. Restoring over data is refused."""

from __future__ import annotations

import psycopg
import pytest

from lib.core import backup, db
from tests.conftest import DEMO, authenticate_as, fresh_db


def test_backup_then_restore_gives_back_every_row(demo_db, tmp_path):
    with authenticate_as(DEMO["admin"]) as conn:  # some audit history to carry over too
        conn.execute("update public.members set bio = 'Écrit à l''accueil ; avec des accents' where email = %s",
                     (DEMO["member"],))
    before = backup.table_checksums(demo_db)
    file = tmp_path / "cantine.dump"
    counts = backup.backup(file, demo_db)
    assert counts["public.members"] == 120 and file.stat().st_size > 0
    with fresh_db("template0") as target:
        restored = backup.restore(file, target)
        after = backup.table_checksums(target)
        assert after == before, "every table has the same rows, byte for byte"
        assert restored["public.members"] == 120
        # the restored database works: migrations recorded, sequences continue, people sign in
        report = db.migrate(target)
        assert report.applied == [] and report.changed == []
        with psycopg.connect(target) as conn:
            conn.execute("update public.members set bio = 'x' where email = %s", (DEMO["member"],))
            conn.commit()
        from lib.identity.auth import check_credentials

        assert check_credentials(DEMO["admin"], "cantine-demo", None).role == "admin"


def test_restore_refuses_a_database_that_holds_data(demo_db, tmp_path):
    file = tmp_path / "cantine.dump"
    backup.backup(file, demo_db)
    with pytest.raises(backup.BackupError, match="not empty"):
        backup.restore(file, demo_db)


def test_restore_refuses_a_file_that_is_not_a_backup(raw_db, tmp_path):
    file = tmp_path / "notes.txt"
    file.write_text("hello")
    with pytest.raises(backup.BackupError, match="not a Cantine backup"):
        backup.restore(file, raw_db)


def test_a_backup_from_before_the_fold_is_refused_with_why(demo_db, raw_db, tmp_path):
    """A backup whose history holds the migrations of before 4 December 2026 (folded by subject
    since) cannot be replayed: it is refused with the reason, and the database stays empty."""
    with psycopg.connect(demo_db, autocommit=True) as conn:  # as a database of the older layout records it
        conn.execute("insert into supabase_migrations.schema_migrations (version, statements, name)"
                     " values ('20261129130000', '{}', 'bookings')")
    file = tmp_path / "old.dump"
    backup.backup(file, demo_db)
    with pytest.raises(backup.BackupError, match="before 4 December 2026"):
        backup.restore(file, raw_db)
    assert backup.is_empty(raw_db)


def _every_table(info: str) -> set[str]:
    """Every table of the database but PostgreSQL's own, as schema.table."""
    with psycopg.connect(info) as conn:
        return {f"{s}.{t}" for s, t in conn.execute(
            "select n.nspname, c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where c.relkind in ('r', 'p') and n.nspname not in ('pg_catalog', 'information_schema')"
            "   and n.nspname !~ '^pg_'").fetchall()}


def test_a_backup_holds_every_table_of_the_database(demo_db, tmp_path):
    """Derived from the database, not from a list: a table added by a later migration (in any
    schema) that the backup leaves out fails here."""
    file = tmp_path / "cantine.dump"
    counts = backup.backup(file, demo_db)
    held = backup.tables_in(file)
    assert {"private.account_sessions", "private.password_tokens", "private.sign_in_attempts"} <= held
    assert _every_table(demo_db) - held == set(), "tables a restore would come back without"
    assert set(counts) == held


def test_a_session_ended_before_the_backup_stays_ended_and_a_pending_link_works_once(demo_db, tmp_path):
    from lib.identity import accounts
    from lib.identity.auth import cookie_token, person_for_user, person_from_cookie
    from tests.conftest import claims, user_id_of

    member = person_for_user(user_id_of(DEMO["member"]))
    old_cookie = cookie_token(member)
    assert accounts.end_sessions(member.user_id) == 2  # signed out: the cookie is revoked
    assert person_from_cookie(old_cookie) is None
    current_cookie = cookie_token(person_for_user(member.user_id))
    staff = person_for_user(user_id_of(DEMO["staff"]))
    link, _ = accounts.issue_reset(claims(DEMO["admin"]), staff.member_id)
    accounts.record_sign_in(DEMO["board"], None, False)  # a failure the throttle keeps counting
    before = backup.table_checksums(demo_db)
    file = tmp_path / "cantine.dump"
    backup.backup(file, demo_db)

    with fresh_db("template0") as target:
        backup.restore(file, target)
        assert backup.table_checksums(target) == before, "every table, private's included, comes back as it was"
        assert person_from_cookie(old_cookie) is None, "the revoked cookie signs in again on the restored copy"
        assert person_from_cookie(current_cookie) is not None, "the session still open stays open"
        assert accounts.link_info(link) is not None, "the pending password link was lost"
        accounts.use_link(link, "a-new-long-password-1", "a-new-long-password-1")
        assert accounts.link_info(link) is None, "and it works only once"


def test_a_backup_made_before_private_was_held_still_restores(demo_db, tmp_path):
    """Backups made before private's tables were held: restoring one keeps what the migrations
    put in private (the lock spaces) instead of emptying it."""
    import subprocess

    from lib.core.embedded import pg_bin

    file = tmp_path / "older.dump"
    tables = ["--table=public.*", "--table=supabase_migrations.schema_migrations", "--table=auth.users"]
    subprocess.run([pg_bin("pg_dump"), "--format=custom", "--data-only", "--no-owner", "--no-privileges",
                    f"--file={file}", f"--dbname={demo_db}", *tables], check=True)
    assert not any(t.startswith("private.") for t in backup.tables_in(file))
    with psycopg.connect(demo_db) as conn:
        spaces = conn.execute("select count(*) from private.lock_spaces").fetchone()[0]
    with fresh_db("template0") as target:
        backup.restore(file, target)
        with psycopg.connect(target) as conn:
            assert conn.execute("select count(*) from private.lock_spaces").fetchone()[0] == spaces > 0
