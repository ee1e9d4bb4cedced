"""JSON files in and out of a harness: written atomically, read leniently.

The host reads the output folder once the container has ended; a file it finds must be whole, so every
protocol file is written to a temporary name first and renamed. Children report in JSON lines, and a child
killed mid-write leaves a last line cut short, which is skipped.
"""

from __future__ import annotations

import json
import os
from pathlib import Path


def write_json_atomically(path: Path, data: object) -> None:
    """Write ``data`` to ``path`` through a temporary file: the host must never see a partial output file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        # ASCII escapes: text from the code under test may hold lone surrogates, which UTF-8 cannot encode.
        json.dump(data, f, indent=2, ensure_ascii=True)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_json_lines(path: Path) -> list[dict]:
    """The JSON objects of ``path``, one per line; lines that are not one (a last line cut short) are skipped."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []
    found = []
    for line in text.splitlines():
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict):
            found.append(value)
    return found
