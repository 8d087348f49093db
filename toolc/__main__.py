"""`python -m toolc`: the `toolc` command."""

import sys

from toolc.cli import main

sys.exit(main())
