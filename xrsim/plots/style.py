"""How every xrsim figure looks and is saved: sized for a paper's column, TrueType fonts
in PDFs (no Type 3), a colour-blind-safe palette, and the same bytes for the same data.

matplotlib is imported here, lazily, only when a figure is drawn.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xrsim.errors import SpecError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000")
"""Okabe and Ito's eight colours (Color Universal Design, 2002), told apart with any of the
common colour-vision deficiencies."""
COLUMN_WIDTH_IN = 3.4
"""One column of a two-column paper (IEEE, ACM: about 3.3-3.5 in)."""
PAGE_WIDTH_IN = 7.0
FORMATS = (".pdf", ".png")


def pyplot() -> Any:
    """matplotlib's pyplot on the file-only Agg backend, with the paper style set."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from cycler import cycler

    plt.rcParams.update({
        "pdf.fonttype": 42, "ps.fonttype": 42,  # TrueType, never Type 3
        "font.size": 8, "axes.titlesize": 8, "axes.labelsize": 8, "legend.fontsize": 7,
        "xtick.labelsize": 7, "ytick.labelsize": 7, "axes.prop_cycle": cycler(color=list(OKABE_ITO)),
        "axes.spines.top": False, "axes.spines.right": False, "figure.dpi": 100,
        "savefig.dpi": 300, "svg.hashsalt": "xrsim", "path.simplify": False,
    })
    return plt


def colour(index: int) -> str:
    return OKABE_ITO[index % len(OKABE_ITO)]


def save(fig: Figure, *paths: Path) -> None:
    """Write ``fig`` as PDF or PNG (by each file's ending), each whole or not at all, with
    no timestamp or version in it, so the same data gives the same bytes."""
    try:
        for path in map(Path, paths):
            if path.suffix.lower() not in FORMATS:
                raise SpecError(path, "--out", f"a figure is written as {' or '.join(FORMATS)}")
            if not path.parent.is_dir():
                raise SpecError(path, "--out", f"no folder {path.parent}")
            metadata: dict[str, str | None] = (
                {"CreationDate": None, "ModDate": None, "Producer": None, "Creator": "xrsim"}
                if path.suffix.lower() == ".pdf" else {"Software": "xrsim"})
            tmp = path.with_name(f".{path.stem}.tmp{path.suffix}")
            try:
                fig.savefig(tmp, metadata=metadata, bbox_inches="tight", pad_inches=0.02)
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
    finally:
        import matplotlib.pyplot as plt

        plt.close(fig)
