"""Make ``ato_harness`` importable when the tests run from a checkout (in the image, PYTHONPATH does it)."""

import sys
from pathlib import Path

HARNESS_ROOT = Path(__file__).resolve().parent.parent
if str(HARNESS_ROOT) not in sys.path:
    sys.path.insert(0, str(HARNESS_ROOT))
