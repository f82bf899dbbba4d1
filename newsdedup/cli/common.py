"""What every command shares: exit codes and the usage error."""
from __future__ import annotations

from newsdedup.output import ARTICLES_FILE, INCIDENTS_FILE, REJECTS_FILE, STORIES_FILE

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
# the output contract's names (newsdedup.output), in the order the summary lists them
JSONL_FILES = (ARTICLES_FILE, STORIES_FILE, INCIDENTS_FILE, REJECTS_FILE)


class UsageError(Exception):
    """Something the caller must fix (a bad sources file, a busy or missing store): exit 2."""
