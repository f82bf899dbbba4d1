"""``python -m newsdedup.cli`` (as before the CLI became a package); same as ``python -m newsdedup``."""
import sys

from newsdedup.cli import main

sys.exit(main())
