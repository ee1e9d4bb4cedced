"""One step of a harness's pipeline, guarded: an internal error becomes a ``tool`` problem and the next step
runs, because the manifest must be written whatever happened (``runners/PROTOCOL.md``)."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from pathlib import Path

from .manifest import Manifest


def guarded(
    manifest: Manifest,
    what: str,
    step,
    *args,
    path: str | None = None,
    log: Callable[[str], None] | None = None,
    **kwargs,
):
    """Run ``step(*args, **kwargs)``; return its result, or None when it raised (recorded as a problem).

    ``log``, when given, gets one line per step: how long it took, and the error when there was one.
    """
    start = time.monotonic()
    try:
        return step(*args, **kwargs)
    except Exception as err:  # noqa: BLE001 - by design: report and go on
        manifest.problem("tool", f"{what}: {describe(err)}", path=path)
        if log is not None:
            log(f"{what}: internal error: {describe(err)}")
        return None
    finally:
        if log is not None:
            log(f"{what}: {time.monotonic() - start:.1f}s")


def describe(err: BaseException) -> str:
    """``Type: message (at file.py:line)``: enough to find where a harness went wrong."""
    frames = traceback.extract_tb(err.__traceback__)
    where = f" (at {Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(err).__name__}: {err}{where}"
