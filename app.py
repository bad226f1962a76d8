"""Cantine: the entry point that `streamlit run` starts. Everything lives in lib/shell.py
(a module is compiled and defined once per process; this file is run on every rerun)."""

from lib.shell import main

main()
