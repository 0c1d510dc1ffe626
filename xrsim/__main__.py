"""``python -m xrsim``."""

import sys

from xrsim.cli import main

sys.exit(main())
