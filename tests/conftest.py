import os
import sys
from pathlib import Path

from hypothesis import settings

# tests/helpers.py is imported as a plain module by the tests beside it.
sys.path.insert(0, str(Path(__file__).parent))

# On CI the property tests draw the same examples every run, so a red build always names a
# real, reproducible counterexample; on a developer's machine they explore new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
