#!/usr/bin/env bash
# Run Cantine on this machine: installs what it needs the first time, starts the embedded
# PostgreSQL (with demo data on first run) and opens the app on http://localhost:8501.
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
if [ ! -f .venv/.installed ] || [ requirements.txt -nt .venv/.installed ]; then
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
  touch .venv/.installed
fi
# migrations now, so a problem shows here rather than in the browser; then demo data, into an
# empty embedded database only (unless CANTINE_DEMO=0: the app then asks for the first admin)
.venv/bin/python -m lib migrate >/dev/null
.venv/bin/python -m lib seed --demo --first-run
exec .venv/bin/streamlit run app.py --server.port "${PORT:-8501}" --browser.gatherUsageStats false "$@"
