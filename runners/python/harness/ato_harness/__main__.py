"""Entry point: ``python3 -m ato_harness``."""

import sys

from .main import main

if __name__ == "__main__":
    sys.exit(main())
