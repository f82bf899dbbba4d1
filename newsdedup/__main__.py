"""``python -m newsdedup``: the ``newsdedup`` command."""
import sys

from newsdedup.cli import main

sys.exit(main())
