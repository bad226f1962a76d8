"""The migration runner: idempotent, atomic, safe when two processes start together, honest
about edited files, and recording history where the Supabase CLI does."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest

from lib.core import db


def _tables(info: str) -> set[str]:
    with psycopg.connect(info) as conn:
        return {r[0] for r in conn.execute("select tablename from pg_tables where schemaname = 'public'")}


def _history(info: str) -> list[str]:
    with psycopg.connect(info) as conn:
        return [r[0] for r in conn.execute(
            "select version from supabase_migrations.schema_migrations order by version")]


def test_first_run_applies_everything_second_run_nothing(raw_db):
    first = db.migrate(raw_db)
    assert first.shim, "a plain PostgreSQL gets the Supabase shim"
    assert first.applied == [p.name for p in db.migration_files()]
    tables = _tables(raw_db)
    assert {"members", "plans", "settings", "zones", "resources", "audit_log"} <= tables
    second = db.migrate(raw_db)
    assert second.applied == [] and second.changed == []
    assert second.already == first.applied
    assert _tables(raw_db) == tables
    assert _history(raw_db) == [p.name.split("_", 1)[0] for p in db.migration_files()]


def test_a_broken_migration_changes_nothing_and_names_file_and_statement(raw_db, tmp_path: Path):
    db.migrate(raw_db)
    before_tables, before_history = _tables(raw_db), _history(raw_db)
    for p in db.migration_files():
        (tmp_path / p.name).write_text(p.read_text())
    (tmp_path / "29991231000000_broken.sql").write_text(
        "create table public.half_made (id int);\n"
        "insert into public.half_made values (1);\n"
        "alter table public.no_such_table add column x int;\n")
    with pytest.raises(db.MigrationError) as err:
        db.migrate(raw_db, tmp_path)
    assert err.value.file == "29991231000000_broken.sql"
    assert err.value.index == 2
    assert "no_such_table" in str(err.value)
    assert _tables(raw_db) == before_tables, "the first statements of the broken file were rolled back"
    assert _history(raw_db) == before_history


def test_an_edited_applied_migration_is_reported(raw_db, tmp_path: Path):
    db.migrate(raw_db)
    first = db.migration_files()[0]
    (tmp_path / first.name).write_text(first.read_text() + "\ncreate table public.sneaky (id int);\n")
    report = db.migrate(raw_db, tmp_path)
    assert report.changed == [first.name]
    assert "sneaky" not in _tables(raw_db), "a changed file is reported, not re-run"


def test_whitespace_only_differences_are_not_changes(raw_db, tmp_path: Path):
    db.migrate(raw_db)
    first = db.migration_files()[0]
    (tmp_path / first.name).write_text(first.read_text().replace("\n", "\n\n") + "\n\n")
    assert db.migrate(raw_db, tmp_path).changed == []


def test_two_processes_starting_together_apply_each_migration_once(raw_db):
    results: list[db.MigrationReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(db.migrate(raw_db))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert not errors, errors
    applied = [name for r in results for name in r.applied]
    assert sorted(applied) == sorted(p.name for p in db.migration_files()), "each file applied exactly once"


def test_split_sql_respects_quotes_comments_and_dollar_quoting():
    text = """
    -- a comment; with a semicolon
    create function f() returns text language sql as $$ select 'a;b' $$;
    /* block ; comment */ select 'it''s; fine';
    select $tag$ ; $tag$, "we;ird";
    -- trailing comment only
    """
    statements = db.split_sql(text)
    assert len(statements) == 3
    assert statements[0].endswith("$$;")
    assert "it''s; fine" in statements[1]
    assert '"we;ird"' in statements[2]


def test_a_database_of_the_older_layout_is_refused_with_what_to_do(raw_db):
    """Before 4 December 2026 the migrations were one file per change; a database migrated with
    them is refused (not half-migrated) and the message says how to recreate it."""
    db.migrate(raw_db)
    with psycopg.connect(raw_db, autocommit=True) as conn:
        conn.execute("insert into supabase_migrations.schema_migrations (version, statements, name)"
                     " values ('20261129130000', '{}', 'bookings')")
    before = _tables(raw_db)
    with pytest.raises(db.MigrationError) as err:
        db.migrate(raw_db)
    assert "db reset --yes" in str(err.value)
    assert _tables(raw_db) == before


def test_other_versions_in_the_history_are_not_mistaken_for_the_older_layout(raw_db):
    """A shared Supabase project may record other tools' migrations: those are left alone."""
    db.migrate(raw_db)
    with psycopg.connect(raw_db, autocommit=True) as conn:
        conn.execute("insert into supabase_migrations.schema_migrations (version, statements, name)"
                     " values ('20261120093000', '{}', 'my_own_view')")
    report = db.migrate(raw_db)
    assert report.applied == [] and report.changed == []
