"""The workspace (``/work``, the harness's working directory) and how child processes are started in it."""

from __future__ import annotations

import itertools
import json
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import ato_runner
from ato_runner.jsonfiles import read_json_lines

from .processes import Finished, run_limited

HARNESS_ROOT = Path(__file__).resolve().parent.parent
# Where ``ato_harness`` and the shared ``ato_runner`` are imported from: one folder in the image, two in a
# checkout. Every child that imports the harness (``child``, the pytest plugins) gets both on its path.
HARNESS_PATH = list(dict.fromkeys([str(HARNESS_ROOT), str(Path(ato_runner.__file__).resolve().parent.parent)]))
# The project's dependencies, installed by ato's dependency phase (`pip install --target`) and mounted
# read-only; absent when the project has none.
DEPS_DIR = Path("/deps/python")


@dataclass
class Workspace:
    root: Path
    scratch: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="ato-")))
    _counter: itertools.count = field(default_factory=itertools.count)

    @property
    def plan(self) -> Path:
        return self.root / "plan.json"

    @property
    def head(self) -> Path:
        return self.root / "head"

    @property
    def base(self) -> Path:
        return self.root / "base"

    @property
    def out(self) -> Path:
        return self.root / "out"

    @property
    def tests(self) -> Path:
        return self.out / "tests"

    def child_env(self, **extra: str) -> dict[str, str]:
        """A small, explicit environment: nothing of the harness's own environment leaks into PR code."""
        env = {
            "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
            "HOME": str(self.scratch / "home"),
            "PYTHONPATH": python_path(),
            "PYTHONDONTWRITEBYTECODE": "1",
            "PYTHONHASHSEED": "0",
            "PYTHONIOENCODING": "utf-8",
            "HYPOTHESIS_STORAGE_DIRECTORY": str(self.scratch / "hypothesis"),
            "LANG": "C.UTF-8",
            "TMPDIR": str(self.scratch / "tmp"),
        }
        (self.scratch / "home").mkdir(exist_ok=True)
        (self.scratch / "tmp").mkdir(exist_ok=True)
        env.update(extra)
        return env

    def run_child(self, mode: str, request: dict, cwd: Path, timeout: float) -> tuple[list[dict], Finished]:
        """Run ``ato_harness.child`` in ``mode``; return the events it managed to write and how it ended."""
        n = next(self._counter)
        request_path = self.scratch / f"request-{n}.json"
        results_path = self.scratch / f"results-{n}.jsonl"
        request_path.write_text(json.dumps(request), encoding="utf-8")
        finished = run_limited(
            [sys.executable, "-B", "-m", "ato_harness.child", mode, str(request_path), str(results_path)],
            cwd=cwd,
            env=self.child_env(),
            timeout=timeout,
            log_dir=self.scratch / "logs",
            log_name=f"{mode}-{n}",
        )
        return read_json_lines(results_path), finished


def python_path(deps: Path = DEPS_DIR, extra: tuple[Path, ...] = ()) -> str:
    """The harness first, then ``extra`` folders (the head tree's import roots, when tests import the project
    as a user's test would), then the project's installed dependencies when the dependency phase gave any:
    the head tree wins over a copy of the project installed as a dependency."""
    entries = HARNESS_PATH + [str(folder) for folder in extra]
    if deps.is_dir():
        entries.append(str(deps))
    return os.pathsep.join(entries)
