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
