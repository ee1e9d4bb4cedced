"""What the harnesses use from Python versions newer than the oldest runner image's (Python 3.9, Debian
bullseye), written so that 3.9 runs it too."""

from __future__ import annotations

from collections.abc import Iterable, Iterator


def zip_strict(*iterables: Iterable) -> Iterator[tuple]:
    """``zip(..., strict=True)`` (Python 3.10): the items side by side, ValueError when the lengths differ."""
    lists = [list(items) for items in iterables]
    if len({len(items) for items in lists}) > 1:
        raise ValueError(f"zip_strict: lengths differ ({', '.join(str(len(items)) for items in lists)})")
    return zip(*lists)
