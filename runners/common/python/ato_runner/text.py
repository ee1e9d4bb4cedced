"""Texts that go into the protocol's files are cut to a limit, and say so."""

from __future__ import annotations

VALUE_CAP = 2000
"""Values, messages and notes are cut to this many characters (``runners/PROTOCOL.md``)."""


def cut(text: str, limit: int = VALUE_CAP) -> str:
    """``text`` cut to ``limit`` characters, the last one an ellipsis when it was cut."""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + "…"
