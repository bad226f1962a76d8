"""Run Supabase's database linter (splinter, what the Security Advisor runs) against a freshly
migrated database and print what it finds.

splinter's code is not part of this repository: fetch `supabase/splinter` yourself and pass its
folder. Usage:  python bench/supabase_lint.py /path/to/splinter [--all]
Without --all, only ERROR and WARN findings of the SECURITY category are printed.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import psycopg
from psycopg.rows import dict_row

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lib.core import (
    db,
    embedded,
)
from lib.demo import seed


def _intended(row: dict) -> bool:
    """The SQL API of DESIGN.md: anon may execute link_* functions and the public face's
    (public_*, member_talks: issue #17) only; signed-in people call security definer functions
    that carry the rules inside them."""
    fn = row["detail"].split("`")[1] if "`" in row["detail"] else ""
    if row["name"] == "anon_security_definer_function_executable":
        return fn.startswith(("public.link_", "public.public_", "public.member_talks("))
    return row["name"] == "authenticated_security_definer_function_executable"


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    lints = sorted((Path(sys.argv[1]) / "lints").glob("*.sql"))
    show_all = "--all" in sys.argv
    data = Path(tempfile.mkdtemp(prefix="cantine-lint-", dir="/tmp"))
    os.environ["CANTINE_DATA_DIR"] = str(data)
    try:
        info = db.ensure_embedded_database("lint")
        db.migrate(info)
        with psycopg.connect(info, row_factory=dict_row) as conn:
            seed.seed_demo(conn)
            conn.commit()
        findings = 0
        intended: list[str] = []
        with psycopg.connect(info, row_factory=dict_row, autocommit=True) as conn:
            conn.execute("set pgrst.db_schemas = 'public'")
            conn.execute("create schema if not exists lint")
            for lint in lints:
                view = lint.read_text().split('"')[1]  # each file is `create view lint."<name>" as …`
                try:
                    conn.execute(lint.read_text())
                    rows = conn.execute(f'select * from lint."{view}"').fetchall()
                except psycopg.Error as exc:
                    print(f"{lint.name}: could not run ({exc.diag.message_primary})")
                    continue
                for r in rows:
                    if not show_all and not (r.get("level") in ("ERROR", "WARN") and "SECURITY" in (r.get("categories") or [])):
                        continue
                    if not show_all and _intended(r):
                        intended.append(r["detail"].split("`")[1])
                        continue
                    findings += 1
                    print(f"{r['level']:5} {r['name']}: {r['detail']}")
        print(f"intended SQL API (security definer, rules inside): {len(intended)} grants, e.g. "
              + ", ".join(sorted({i.split('(')[0] for i in intended})[:8]) + " …")
        print(f"{len(lints)} lints run, {findings} security findings beyond the intended API")
        return 1 if findings else 0
    finally:
        db.close_pools()
        embedded.stop(data, mode="immediate")
        os.system(f"rm -rf {data}")


if __name__ == "__main__":
    sys.exit(main())
