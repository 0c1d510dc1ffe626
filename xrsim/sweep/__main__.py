"""``python -m xrsim.sweep SPEC``."""

import sys

from xrsim.sweep.cli import main

sys.exit(main())
