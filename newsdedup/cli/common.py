"""What every command shares: exit codes and the usage error."""
from __future__ import annotations

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
JSONL_FILES = ("articles.jsonl", "stories.jsonl", "incidents.jsonl", "rejects.jsonl")


class UsageError(Exception):
    """Something the caller must fix (a bad sources file, a busy or missing store): exit 2."""
