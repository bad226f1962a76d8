"""Every string in both languages: each key of `lib/core/strings/*.py` has a non-empty French and
English text with the same `{placeholders}`; each key is used somewhere (its literal appears
in a .py or .sql file of the app); each literal `t("…")` names a key that exists.

Keys built at run time (`t(f"role.{role}")`) are allowed through prefixes that the strings
module declares next to its strings: `DYNAMIC_PREFIXES = ("role.",)`. Database errors map to
keys by constraint name (`db.<constraint>`), so `db.` is always such a prefix.
"""

import importlib
import pkgutil
import re
import string
from pathlib import Path

import lib.core.strings
from lib.core import i18n

ROOT = Path(__file__).resolve().parents[2]
ALWAYS_DYNAMIC = ("db.",)  # lib/core/errors.py: constraint name -> db.<constraint>
SOURCES = [ROOT / "app.py", *(ROOT / "lib").rglob("*.py"), *(ROOT / "views").rglob("*.py"),
           *(ROOT / "supabase" / "migrations").glob("*.sql")]


def _string_modules():
    for info in pkgutil.iter_modules(lib.core.strings.__path__):
        yield importlib.import_module(f"lib.core.strings.{info.name}")


def _dynamic_prefixes() -> tuple[str, ...]:
    prefixes = list(ALWAYS_DYNAMIC)
    for module in _string_modules():
        prefixes += list(getattr(module, "DYNAMIC_PREFIXES", ()))
    return tuple(prefixes)


def _code() -> str:
    """The app's code, without the catalogues themselves (a key defined is not a key used)."""
    strings_dir = ROOT / "lib" / "core" / "strings"
    return "\n".join(p.read_text(encoding="utf-8") for p in SOURCES if strings_dir not in p.parents)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_key_has_both_languages_with_the_same_placeholders():
    problems = []
    for key, pair in i18n.catalogue().items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(isinstance(s, str) and s.strip() for s in pair)):
            problems.append(f"{key}: needs a non-empty French and English text")
        elif _fields(pair[0]) != _fields(pair[1]):
            problems.append(f"{key}: placeholders differ {_fields(pair[0])} vs {_fields(pair[1])}")
    assert not problems, "\n".join(problems)


def test_every_key_is_used_somewhere():
    code = _code()
    prefixes = _dynamic_prefixes()
    unused = [key for key in i18n.catalogue()
              if not key.startswith(prefixes) and f'"{key}"' not in code and f"'{key}'" not in code]
    assert not unused, ("keys defined but used nowhere (remove them, or declare DYNAMIC_PREFIXES "
                        f"in their strings module): {unused}")


def test_every_literal_key_in_code_exists():
    code = _code()
    called = set(re.findall(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""", code))
    called |= set(re.findall(r"""UserError\(\s*["']([a-z_]+(?:\.[a-z0-9_]+)+)["']""", code))
    called |= set(re.findall(r"raise exception '([a-z_]+\.[a-z0-9_.]+)'", code))
    missing = sorted(k for k in called if not i18n.has(k))
    assert not missing, f"keys used in code but missing from lib/strings: {missing}"


def test_dynamic_keys_of_the_shell_exist():
    for role in ("admin", "staff", "board", "member"):
        assert i18n.has(f"role.{role}") and i18n.has(f"home.intro.{role}")
    from lib.web import navigation

    for spec in navigation.PAGES + navigation.PUBLIC_PAGES:
        assert i18n.has(spec.title_key) and i18n.has(spec.section), spec.path


def test_french_is_the_default_and_formats_follow_the_language():
    import datetime as dt

    assert i18n.t("auth.sign_in") == "Se connecter"
    assert i18n.t("auth.sign_in", "en") == "Sign in"
    assert i18n.fmt_date(dt.date(2026, 3, 12), lang="fr") == "12 mars 2026"
    assert i18n.fmt_money(123456, lang="fr") == "1\u202f234,56\xa0€"
    assert i18n.fmt_money(123456, lang="en") == "€1,234.56"
