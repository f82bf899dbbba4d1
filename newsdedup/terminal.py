"""Text for a terminal: scraped titles and text may carry escape sequences.

A title holding ``ESC ] 0 ; … BEL`` retitles the terminal of whoever reads the cron log, ``ESC [
2 J`` clears it, and bidirectional overrides reorder what is shown. ``terminal_safe`` prints
every such character as a visible escape (``\\x1b``, ``\\u202e``) instead.
"""
from __future__ import annotations

import re

# C0 controls but newline and tab, DEL, C1 controls, and the Unicode bidirectional controls.
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """``text`` with control and bidi-control characters shown as ``\\xNN`` / ``\\uNNNN``
    (newlines and tabs kept)."""
    return _UNSAFE.sub(_escape, text)
