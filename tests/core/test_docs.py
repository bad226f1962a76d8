"""README.md stays true: every command-line command and every environment setting the code reads
is documented there (as datasette does for its settings)."""

from __future__ import annotations

import re
from pathlib import Path

from lib.cli.main import build_parser

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    missing = [name for name in sub.choices if f"`{name}" not in README]
    assert missing == [], f"commands missing from README's command line section: {missing}"


def test_every_environment_setting_is_in_the_readme():
    names: set[str] = set()
    for path in [*ROOT.glob("lib/**/*.py"), ROOT / "app.py", *ROOT.glob("views/*.py")]:
        names |= set(re.findall(r"""environ(?:\.get)?\(\s*["']((?:CANTINE|SUPABASE|DATABASE)_[A-Z_]+)""",
                                path.read_text(encoding="utf-8")))
        names |= set(re.findall(r"""environ\[\s*["']((?:CANTINE|SUPABASE|DATABASE)_[A-Z_]+)""",
                                path.read_text(encoding="utf-8")))
    # only test harness knobs may stay undocumented
    names -= {"CANTINE_TEST_DATA_DIR"}
    missing = sorted(n for n in names if f"`{n}`" not in README)
    assert names, "the scan found the settings"
    assert missing == [], f"settings missing from README's configuration section: {missing}"


def test_the_two_commands_are_the_ones_ci_runs():
    assert "bash run.sh" in README and "bash test.sh" in README
    assert "bash test.sh" in (ROOT / ".ci" / "run").read_text()


# a path of the repository written in a document: lib/…, views/…, tests/…, bench/…, docs/…,
# supabase/… (a `*` or `<…>` stands for a pattern, not a file), or a top-level script
_PATH = re.compile(r"(?<![\w./-])((?:lib|views|tests|bench|docs|supabase|\.ci|\.streamlit)/[\w./*<>…-]*[\w/*>…]"
                   r"|(?:app\.py|run\.sh|test\.sh|requirements(?:-dev)?\.txt|ruff\.toml|pytest\.ini))")


def _named_paths(text: str) -> set[str]:
    return {m.group(1).rstrip(".") for m in _PATH.finditer(text)}


def test_readme_and_architecture_name_only_files_the_repo_has():
    missing = []
    for doc in ("README.md", "docs/ARCHITECTURE.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        for path in sorted(_named_paths(text)):
            # secrets.toml is never committed (each installation writes its own); supabase/splinter
            # is Supabase's linter, a repository of its own
            if path in (".streamlit/secrets.toml", "supabase/splinter"):
                continue
            if any(mark in path for mark in "*<…"):
                pattern = re.sub(r"<[^>]*>|…", "*", path)
                if not list(ROOT.glob(pattern)):
                    missing.append(f"{doc}: {path}")
            elif not (ROOT / path).exists():
                missing.append(f"{doc}: {path}")
    assert missing == []


def test_the_check_finds_paths_and_would_catch_a_wrong_one():
    assert _named_paths("see `lib/web/shell.py` and lib/core/db.py.") == {"lib/web/shell.py", "lib/core/db.py"}
    assert not (ROOT / "lib/shell.py").exists()
