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
