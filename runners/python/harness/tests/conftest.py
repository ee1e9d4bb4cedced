"""Make ``ato_harness`` and the shared ``ato_runner`` importable when the tests run from a checkout (in the
image, PYTHONPATH does it: both are in /opt/ato)."""

import sys
from pathlib import Path

HARNESS_ROOT = Path(__file__).resolve().parent.parent
SHARED_ROOT = HARNESS_ROOT.parents[1] / "common" / "python"
for root in (SHARED_ROOT, HARNESS_ROOT):
    if root.is_dir() and str(root) not in sys.path:
        sys.path.insert(0, str(root))
