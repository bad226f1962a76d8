"""`python -m lib <command>`: the command line lives in lib/cli/main.py."""

import sys

from lib.cli.main import main

sys.exit(main())
