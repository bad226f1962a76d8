#!/usr/bin/env bash
# Run the whole test suite: installs what the tests need (Python packages, Debian's chromium
# for the browser tests), checks style with ruff, then runs pytest against a real embedded
# PostgreSQL, real Streamlit pages and a real browser.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "test.sh: the browser tests need Debian's chromium: sudo apt-get install chromium" >&2
    exit 1
  fi
fi
# the suite on another day (CANTINE_TEST_NOW, see README) runs the embedded server under libfaketime
if [ -n "${CANTINE_TEST_NOW:-}" ] && ! ls /usr/lib/*/faketime/libfaketime.so.1 >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null
  else
    echo "test.sh: CANTINE_TEST_NOW needs Debian's faketime: sudo apt-get install faketime" >&2
    exit 1
  fi
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ ! -f .venv/.installed-dev ] || [ requirements-dev.txt -nt .venv/.installed-dev ] || [ requirements.txt -nt .venv/.installed-dev ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
  touch .venv/.installed-dev
fi
.venv/bin/ruff check .
mkdir -p artifacts
exec .venv/bin/python -m pytest "$@"
