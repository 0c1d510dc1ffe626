"""The repository is self-contained: no file cites a document that is not in it (the
material the project was started from lives outside the repository; a user has none of it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTSIDE = ("SPEC" + ".md", "GROUND_" + "TRUTH", "DESIGN" + ".md", "SOURCES" + ".md", "../" + "shared")


def test_no_file_cites_a_document_outside_the_repository() -> None:
    files = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True)
    cited = []
    for name in files.stdout.splitlines():
        path = ROOT / name
        if path.suffix not in (".py", ".md", ".yaml", ".toml", ".txt", ".cfg") and path.name != "run":
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        cited += [f"{name}: {word}" for word in OUTSIDE if word in text]
    assert cited == []
