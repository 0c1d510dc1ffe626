import os

from hypothesis import settings

# On CI the property tests draw the same examples every run, so a red build always names a
# real, reproducible counterexample; on a developer's machine they explore new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")
