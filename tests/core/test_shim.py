"""The Supabase shim on a plain PostgreSQL: roles, auth schema, auth.uid()/role()/jwt() read the
claims exactly as Supabase defines them, and the shim steps aside on a real Supabase."""

from __future__ import annotations

import json

import psycopg
from psycopg.rows import dict_row

from lib.core import db


def test_roles_schemas_and_functions_exist(empty_db):
    with psycopg.connect(empty_db) as conn:
        roles = {r[0] for r in conn.execute("select rolname from pg_roles")}
        assert {"anon", "authenticated", "service_role"} <= roles
        schemas = {r[0] for r in conn.execute("select nspname from pg_namespace")}
        assert {"auth", "extensions", "private", "supabase_migrations"} <= schemas
        ext = dict(conn.execute("select e.extname, n.nspname from pg_extension e join pg_namespace n"
                                " on n.oid = e.extnamespace where e.extname <> 'plpgsql'").fetchall())
        assert ext and set(ext.values()) == {"extensions"}, "extensions live in schema extensions, not public"


def test_auth_uid_reads_claims_as_supabase_does(empty_db):
    uid = "6f1c1c2e-2b7b-4a59-9a63-0d6d7c1b2a10"
    with psycopg.connect(empty_db, row_factory=dict_row) as conn:
        conn.execute("select set_config('request.jwt.claims', %s, true)",
                     (json.dumps({"sub": uid, "role": "authenticated", "email": "a@b.fr"}),))
        row = conn.execute("select auth.uid()::text as uid, auth.role() as role, auth.jwt() ->> 'email' as email"
                           ).fetchone()
        assert row == {"uid": uid, "role": "authenticated", "email": "a@b.fr"}
        conn.rollback()
        # the older single-claim setting wins when present, as in Supabase
        other = "00000000-0000-0000-0000-000000000001"
        conn.execute("select set_config('request.jwt.claim.sub', %s, true)", (other,))
        assert conn.execute("select auth.uid()::text as uid").fetchone()["uid"] == other
        conn.rollback()
        assert conn.execute("select auth.uid() as uid").fetchone()["uid"] is None


def test_shim_is_skipped_where_supabase_auth_exists(raw_db):
    with psycopg.connect(raw_db, autocommit=True) as conn:
        conn.execute("create schema auth")
        conn.execute("create table auth.users (id uuid primary key, email text)")
    with psycopg.connect(raw_db, row_factory=dict_row) as conn:
        assert db.supabase_objects_present(conn)
        assert db.apply_shim(conn) is False
    with psycopg.connect(raw_db) as conn:
        comment = conn.execute("select obj_description('auth'::regnamespace, 'pg_namespace')").fetchone()[0]
        has_uid = conn.execute("select to_regprocedure('auth.uid()') is not null").fetchone()[0]
    assert comment is None, "Supabase's auth schema was left alone"
    assert not has_uid, "no shim function was added next to Supabase's own"


def test_api_roles_get_supabase_default_privileges(empty_db):
    with psycopg.connect(empty_db) as conn:
        conn.execute("create table public.probe (id int)")
        grants = {r[0] for r in conn.execute(
            "select grantee from information_schema.role_table_grants where table_name = 'probe'")}
    assert {"anon", "authenticated", "service_role"} <= grants, "as on Supabase: RLS, not grants, protects rows"
