"""Lets `python -m client edit ...` run the command-line interface."""

import sys

from .cli import main

sys.exit(main())
