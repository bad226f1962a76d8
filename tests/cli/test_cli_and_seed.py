"""The command line as people use it (a real `python -m lib` process) and demo data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lib.core import db
from lib.demo import seed
from tests.conftest import DEMO

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "lib", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)


def test_migrate_is_idempotent_from_the_command_line(empty_db):
    done = cli("migrate")
    assert done.returncode == 0, done.stderr
    assert "0 applied" in done.stdout


def test_seed_demo_then_again_changes_nothing(empty_db):
    first = cli("seed", "--demo")
    assert first.returncode == 0, first.stderr
    assert "120 members" in first.stdout and "cantine-demo" in first.stdout
    second = cli("seed", "--demo")
    assert second.returncode == 0 and "already present" in second.stdout


def test_seed_refuses_real_data_unless_forced(empty_db):
    with db.as_owner() as conn:
        conn.execute("insert into public.members (email, full_name) values ('vraie@asso.fr', 'Vraie Personne')")
    refused = cli("seed", "--demo")
    assert refused.returncode == 1
    assert "real members" in refused.stderr and "--force" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1, "one line, no traceback"
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.members").fetchone()["n"] == 1
    forced = cli("seed", "--demo", "--force")
    assert forced.returncode == 0, forced.stderr
    with db.as_owner() as conn:
        assert conn.execute("select count(*) as n from public.members where email = 'vraie@asso.fr'"
                            ).fetchone()["n"] == 0


def test_demo_data_is_deterministic(empty_db):
    def snapshot() -> list[tuple]:
        with db.as_owner() as conn:
            seed.seed_demo(conn, force=True)
            return [tuple(r.values()) for r in conn.execute(
                "select email::text, full_name, company, job_title, visibility from public.members order by email")]
    assert snapshot() == snapshot()


def test_demo_data_looks_like_a_cantine(demo_db):
    with db.as_owner() as conn:
        row = conn.execute(
            "select (select count(*) from public.members) as members,"
            " (select count(*) from public.resources where kind = 'desk') as desks,"
            " (select count(*) from public.resources where kind = 'room') as rooms,"
            " (select count(*) from public.zones) as zones,"
            " (select avg((visibility <> 'hidden')::int) from public.members) as opted_in,"
            " (select count(*) from public.plans) as plans").fetchone()
        roles = {r["role"] for r in conn.execute(
            "select role from public.members where email = any(%s)", (list(DEMO.values()),))}
    assert row["members"] == 120 and row["desks"] == 24 and row["rooms"] == 3 and row["zones"] == 3
    assert 0.6 <= float(row["opted_in"]) <= 0.8
    assert row["plans"] == 4 and roles == {"admin", "staff", "board", "member"}


@pytest.mark.slow
def test_large_scale_makes_a_big_space(empty_db):
    with db.as_owner() as conn:
        seed.seed_demo(conn, scale="large")
        row = conn.execute("select (select count(*) from public.members) as m,"
                           " (select count(*) from public.resources) as r").fetchone()
    assert row["m"] >= 2000 and row["r"] >= 200


def test_create_admin_then_sign_in(empty_db):
    done = cli("create-admin", "chef@asso.fr", "--name", "Chef Fondatrice", "--password", "un-mot-de-passe-long")
    assert done.returncode == 0, done.stderr
    from lib.identity.auth import check_credentials

    person = check_credentials("chef@asso.fr", "un-mot-de-passe-long", None)
    assert person.role == "admin" and person.full_name == "Chef Fondatrice"


def test_create_admin_refuses_a_short_password(empty_db):
    done = cli("create-admin", "chef@asso.fr", "--password", "court")
    assert done.returncode == 2 and "at least 10 characters" in done.stderr


def test_create_admin_generates_a_password_when_none_is_given(empty_db):
    done = cli("create-admin", "chef@asso.fr", env={"CANTINE_ADMIN_PASSWORD": ""})
    assert done.returncode == 0, done.stderr
    password = done.stdout.strip().rsplit(" ", 1)[-1]
    from lib.identity.auth import check_credentials

    assert check_credentials("chef@asso.fr", password, None).role == "admin"


def test_backup_and_restore_commands(demo_db, tmp_path):
    file = tmp_path / "b.dump"
    done = cli("backup", str(file))
    assert done.returncode == 0 and "backed up" in done.stdout, done.stderr
    refused = cli("restore", str(file))
    assert refused.returncode == 1 and "not empty" in refused.stderr


def test_an_unknown_database_gives_one_clear_line(empty_db):
    done = cli("migrate", env={"DATABASE_URL": "host=/nonexistent port=5 user=x dbname=y connect_timeout=2"})
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "migrate:" in done.stderr
