"""Cantine: the entry point that `streamlit run` starts. Everything lives in lib/web/shell.py
(a module is compiled and defined once per process; this file is run on every rerun)."""

from lib.web.shell import main

main()
