"""Where the database is, the connection pool, migrations, and acting as a person.

Every query made on behalf of somebody runs inside `as_user(claims)` or `as_anon()`: a
transaction with `SET LOCAL ROLE` and `request.jwt.claims`, as Supabase's REST layer does, so
row-level security applies to the app exactly as it applies to any other client. Only
migrations, the command line and sign-in itself use `as_owner()`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import tomllib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from lib.core import embedded

ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = ROOT / "supabase" / "migrations"
SHIM_SQL = Path(__file__).parent / "sql" / "supabase_shim.sql"
EMBEDDED_DBNAME = "cantine"
# Any constant works; every migration transaction takes this lock first (two processes
# starting together then apply each file once).
MIGRATION_LOCK_KEY = 7_204_511_001


# --------------------------------------------------------------------------- configuration

def secrets_file() -> Path:
    """`.streamlit/secrets.toml`, or the file CANTINE_SECRETS_FILE names (secrets mounted
    elsewhere by a host; a test's own file)."""
    named = os.environ.get("CANTINE_SECRETS_FILE")
    return Path(named).expanduser() if named else ROOT / ".streamlit" / "secrets.toml"


def read_secrets() -> dict[str, Any]:
    """`.streamlit/secrets.toml` as a dict (empty if absent). Read without Streamlit so the
    command line sees the same configuration as the app."""
    path = secrets_file()
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def database_url() -> str | None:
    """DATABASE_URL from the environment, else `[database] url` from secrets, else None
    (meaning: the embedded server)."""
    url = os.environ.get("DATABASE_URL") or read_secrets().get("database", {}).get("url")
    return url or None


def data_dir() -> Path:
    """Where the embedded server and locally generated files live (CANTINE_DATA_DIR)."""
    return Path(os.environ.get("CANTINE_DATA_DIR") or ROOT / ".data").expanduser().resolve()


def is_embedded() -> bool:
    return database_url() is None


def describe() -> str:
    """A one-line, password-free description of where the data is, for people."""
    url = database_url()
    if url is None:
        return f"embedded PostgreSQL in {data_dir()}"
    info = psycopg.conninfo.conninfo_to_dict(url)
    return f"PostgreSQL at {info.get('host', 'localhost')}:{info.get('port', 5432)}/{info.get('dbname', '')}"


def ensure_embedded_database(name: str = EMBEDDED_DBNAME) -> str:
    """Start the embedded server if needed and create database `name`; return its conninfo."""
    base = embedded.ensure_running(data_dir())
    with psycopg.connect(base, autocommit=True) as conn:
        exists = conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        if not exists:
            try:
                conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it a moment ago
    return embedded.conninfo(data_dir(), name)


_embedded_info: dict[str, str] = {}


def conninfo() -> str:
    """The conninfo of Cantine's database, starting the embedded server when that is the one.
    The embedded server is ensured once per process and data folder (it cost 3.7 ms a call, on
    every query); if it dies later, `_connection()` starts it again."""
    url = database_url()
    if url:
        return url
    key = str(data_dir())
    info = _embedded_info.get(key)
    if info is None:
        info = _embedded_info[key] = ensure_embedded_database()
    return info


# --------------------------------------------------------------------------- pool

_pools: dict[str, ConnectionPool] = {}
_pools_lock = threading.Lock()


def _connect_kwargs(info: str) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"row_factory": dict_row}
    # Supabase's transaction pooler (port 6543) cannot keep prepared statements.
    if str(psycopg.conninfo.conninfo_to_dict(info).get("port")) == "6543":
        kwargs["prepare_threshold"] = None
    return kwargs


def get_pool(info: str | None = None) -> ConnectionPool:
    """One pool per database per process. `check` replaces connections a restarted server broke."""
    info = info or conninfo()
    with _pools_lock:
        pool = _pools.get(info)
        if pool is None:
            pool = ConnectionPool(info, min_size=1, max_size=int(os.environ.get("CANTINE_POOL_SIZE", 10)),
                                  kwargs=_connect_kwargs(info), check=ConnectionPool.check_connection,
                                  open=True, name="cantine")
            _pools[info] = pool
        return pool


def close_pools() -> None:
    with _pools_lock:
        for pool in _pools.values():
            pool.close()
        _pools.clear()


_default_info: str | None = None


def use_database(info: str | None) -> None:
    """Point this process at `info` (tests use a fresh database per test)."""
    global _default_info
    _default_info = info


def current_key() -> str:
    """Which database this process talks to now, for per-database caches (no connection made)."""
    return _default_info or database_url() or f"embedded:{data_dir()}"


def _pool() -> ConnectionPool:
    return get_pool(_default_info or conninfo())


# --------------------------------------------------------------------------- acting as someone

def pool_timeout() -> float:
    """Seconds a request waits for a pooled connection (CANTINE_POOL_TIMEOUT, read on each use)."""
    return float(os.environ.get("CANTINE_POOL_TIMEOUT", 5))


class DatabaseBusy(PoolTimeout):
    """Every connection of the pool stayed in use for CANTINE_POOL_TIMEOUT seconds: the database
    answers, it is busy (lib/core/errors.py says "try again in a few seconds", not "down")."""


def _pool_is_full(pool: ConnectionPool) -> bool:
    stats = pool.get_stats()
    return stats.get("pool_size", 0) >= pool.max_size and stats.get("pool_available", 0) == 0


@contextmanager
def _connection() -> Iterator[psycopg.Connection]:
    """A pooled connection in a transaction (commit on success, rollback on error).

    A full pool is `DatabaseBusy` after one wait of `pool_timeout()`. Only when the embedded
    server is gone (kill -9, crash under a running app) is it started again and the request
    retried once: a second wait on a full pool would double what the setting promises."""
    pool = _pool()
    wait = pool_timeout()
    with ExitStack() as stack:
        try:
            conn = stack.enter_context(pool.connection(timeout=wait))
        except (PoolTimeout, psycopg.OperationalError) as exc:
            if isinstance(exc, PoolTimeout) and _pool_is_full(pool):
                raise DatabaseBusy(f"all {pool.max_size} connections in use for {wait:g} s") from exc
            if _default_info is not None or not is_embedded() or embedded.server_pid(data_dir()) is not None:
                raise
            ensure_embedded_database()
            conn = stack.enter_context(pool.connection(timeout=wait))
        yield conn


@contextmanager
def as_owner() -> Iterator[psycopg.Connection]:
    """A transaction as the database owner (bypasses row-level security): command line,
    migrations, sign-in. Commits on success, rolls back on any exception."""
    with _connection() as conn:
        yield conn


def claims_for(user_id: str, email: str | None = None) -> dict[str, Any]:
    return {"sub": str(user_id), "role": "authenticated", "aud": "authenticated", "email": email}


@contextmanager
def as_user(claims: dict[str, Any]) -> Iterator[psycopg.Connection]:
    """A transaction as a signed-in person: role `authenticated`, their JWT claims set."""
    with _connection() as conn:
        conn.execute(
            "select set_config('request.jwt.claims', %s, true), set_config('request.jwt.claim.sub', %s, true),"
            " set_config('request.jwt.claim.role', 'authenticated', true)",
            (json.dumps(claims), str(claims.get("sub") or "")),
        )
        conn.execute("set local role authenticated")
        yield conn


@contextmanager
def as_anon() -> Iterator[psycopg.Connection]:
    """A transaction as an anonymous visitor (the shared link): role `anon`."""
    with _connection() as conn:
        conn.execute(
            "select set_config('request.jwt.claims', '{\"role\": \"anon\"}', true),"
            " set_config('request.jwt.claim.sub', '', true), set_config('request.jwt.claim.role', 'anon', true)"
        )
        conn.execute("set local role anon")
        yield conn


class _Acting:
    """Who a query runs as when it is not a signed-in person (see `acting_as`)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"db.{self.name}"


# The database owner (bypasses row-level security): the command line, the mail sender, sign-in
# and migrations. Named, never a default: a function that forgets whom it acts for fails.
OWNER = _Acting("OWNER")
# An anonymous visitor (role `anon`, what the public key of the REST API gets): the shared link.
ANONYMOUS = _Acting("ANONYMOUS")
# Who a function acts for: a signed-in person's JWT claims (`claims_for`, `Person.claims()`),
# `OWNER` or `ANONYMOUS`. Every function of lib that reads or writes for someone takes one.
Actor = dict[str, Any] | _Acting


@contextmanager
def acting_as(who: Actor) -> Iterator[psycopg.Connection]:
    """A transaction as `who`: a person's claims (row-level security applies), `OWNER` or
    `ANONYMOUS`. Anything else (None above all) is refused rather than read as the owner."""
    if who is OWNER:
        with as_owner() as conn:
            yield conn
    elif who is ANONYMOUS:
        with as_anon() as conn:
            yield conn
    elif isinstance(who, dict) and who.get("sub"):
        with as_user(who) as conn:
            yield conn
    else:
        raise TypeError(f"acting_as needs a person's claims, db.OWNER or db.ANONYMOUS, not {who!r}")


# --------------------------------------------------------------------------- SQL files

_TOKEN = re.compile(r"""
    (?P<dollar>\$(?P<tag>[A-Za-z_][A-Za-z0-9_]*)?\$)
  | (?P<line>--[^\n]*)
  | (?P<block>/\*)
  | (?P<squote>')
  | (?P<dquote>")
  | (?P<semi>;)
""", re.VERBOSE)


def split_sql(text: str) -> list[str]:
    """Split a SQL file into statements, respecting quotes, comments and dollar-quoting.
    Statements made only of comments are dropped."""
    statements: list[str] = []
    start = pos = 0
    n = len(text)
    while pos < n:
        m = _TOKEN.search(text, pos)
        if not m:
            break
        if m.group("semi"):
            statements.append(text[start:m.end()])
            start = pos = m.end()
        elif m.group("dollar"):
            close = text.find(m.group("dollar"), m.end())
            pos = n if close < 0 else close + len(m.group("dollar"))
        elif m.group("line"):
            pos = m.end()
        elif m.group("block"):
            depth, pos = 1, m.end()
            while depth and pos < n:
                nxt_open, nxt_close = text.find("/*", pos), text.find("*/", pos)
                if nxt_close < 0:
                    pos = n
                    break
                if 0 <= nxt_open < nxt_close:
                    depth, pos = depth + 1, nxt_open + 2
                else:
                    depth, pos = depth - 1, nxt_close + 2
        else:
            quote = "'" if m.group("squote") else '"'
            pos = m.end()
            while True:
                close = text.find(quote, pos)
                if close < 0:
                    pos = n
                    break
                if text.startswith(quote * 2, close):
                    pos = close + 2
                    continue
                pos = close + 1
                break
    statements.append(text[start:])
    return [s.strip() for s in statements if _has_code(s)]


def _has_code(statement: str) -> bool:
    stripped = re.sub(r"--[^\n]*|/\*.*?\*/", "", statement, flags=re.S)
    return bool(stripped.strip().strip(";").strip())


def _normalised(statements: list[str]) -> str:
    """Whitespace- and semicolon-insensitive fingerprint, so a file applied by the Supabase
    CLI (which stores statements split its own way) compares equal to the same file here."""
    return hashlib.sha256(re.sub(r"[\s;]+", "", "".join(statements)).encode()).hexdigest()


# --------------------------------------------------------------------------- migrations

class MigrationError(RuntimeError):
    """A migration failed; nothing of it was kept."""

    def __init__(self, file: str, index: int, statement: str, reason: str):
        self.file, self.index, self.statement, self.reason = file, index, statement, reason
        first_line = " ".join(statement.split())[:160]
        super().__init__(f"migration {file} failed at statement {index + 1} ({first_line}): {reason}")


class OlderLayoutError(MigrationError):
    """The database was migrated with the files of before the fold by subject: nothing applied."""

    def __init__(self, versions: list[str]):
        RuntimeError.__init__(
            self, f"this database was made by the migrations of before 4 December 2026 ({versions[0]}…), which"
            " were then folded by subject, and cannot take the new ones; an embedded demo database is recreated"
            " with `python -m lib db reset --yes`, any other database is replaced by a new one (README)")
        self.file, self.index, self.statement, self.reason = versions[0], 0, "", str(self)


@dataclass
class MigrationReport:
    applied: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # applied before, file edited since
    shim: bool = False


def supabase_objects_present(conn: psycopg.Connection) -> bool:
    """True on a real Supabase database (auth.users exists and was not made by our shim)."""
    row = conn.execute(
        "select to_regclass('auth.users') is not null as has_users,"
        " coalesce(obj_description(oid, 'pg_namespace'), '') like 'cantine-shim%' as ours"
        " from pg_namespace where nspname = 'auth'"
    ).fetchone()
    if row is None:
        return False
    has_users, ours = (row["has_users"], row["ours"]) if isinstance(row, dict) else row
    return bool(has_users and not ours)


def apply_shim(conn: psycopg.Connection) -> bool:
    """Create what Supabase would provide, unless Supabase's own objects are there."""
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        if supabase_objects_present(conn):
            return False
        for statement in split_sql(SHIM_SQL.read_text()):
            conn.execute(statement)
    return True


def _ensure_history_table(conn: psycopg.Connection) -> None:
    with conn.transaction():
        conn.execute("select pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
        conn.execute("create schema if not exists supabase_migrations")
        # The Supabase CLI's own table, so `supabase db push` and this runner agree.
        conn.execute(
            "create table if not exists supabase_migrations.schema_migrations"
            " (version text not null primary key, statements text[], name text)"
        )


def migration_files(directory: Path = MIGRATIONS_DIR) -> list[Path]:
    return sorted(p for p in directory.glob("*.sql") if re.match(r"^\d+_", p.name))


# Until 4 December 2026 the migrations were one file per change; they were then folded into one
# file per subject. A database migrated with those files cannot take the new ones. (Other
# versions in the history, e.g. another tool's migrations on a shared Supabase project, are fine.)
OLDER_LAYOUT_VERSIONS = frozenset({
    "20261129100000", "20261129110000", "20261129120000", "20261129130000", "20261129140000",
    "20261129150000", "20261129160000", "20261129170000", "20261129180000", "20261129190000",
    "20261129200000", "20261129210000"})


def _refuse_an_older_layout(conn: psycopg.Connection, known: set[str]) -> None:
    """Refuse, with what to do, a database whose history holds versions of the old layout."""
    rows = conn.execute("select version from supabase_migrations.schema_migrations").fetchall()
    older = sorted(r["version"] for r in rows if r["version"] in OLDER_LAYOUT_VERSIONS - known)
    if older:
        raise OlderLayoutError(older)


def migrate(info: str | None = None, directory: Path = MIGRATIONS_DIR) -> MigrationReport:
    """Apply every pending migration, each in its own transaction. Idempotent."""
    report = MigrationReport()
    with psycopg.connect(info or _default_info or conninfo(), row_factory=dict_row) as conn:
        report.shim = apply_shim(conn)
        _ensure_history_table(conn)
        files = migration_files(directory)
        _refuse_an_older_layout(conn, {p.stem.partition("_")[0] for p in files})
        for path in files:
            version, _, rest = path.stem.partition("_")
            statements = split_sql(path.read_text(encoding="utf-8"))
            with conn.transaction():
                conn.execute("select pg_advisory_xact_lock(%s)", (MIGRATION_LOCK_KEY,))
                done = conn.execute(
                    "select statements from supabase_migrations.schema_migrations where version = %s",
                    (version,)).fetchone()
                if done is not None:
                    report.already.append(path.name)
                    if _normalised(done["statements"] or []) != _normalised(statements):
                        report.changed.append(path.name)
                    continue
                for index, statement in enumerate(statements):
                    try:
                        with conn.transaction():  # savepoint: keep the outer one usable for the error
                            conn.execute(statement)
                    except psycopg.Error as exc:
                        reason = (exc.diag.message_primary or str(exc)).strip()
                        raise MigrationError(path.name, index, statement, reason) from exc
                conn.execute(
                    "insert into supabase_migrations.schema_migrations (version, statements, name)"
                    " values (%s, %s, %s)", (version, statements, rest))
                report.applied.append(path.name)
    return report
