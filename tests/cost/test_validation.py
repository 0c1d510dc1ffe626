"""The rank correlation of validate-costs, on hand-ranked data."""

from __future__ import annotations

import numpy as np
import pytest

from xrsim.cost.analytical.validation import spearman


def test_spearman_uses_average_ranks_for_ties() -> None:
    # a = [1, 2, 2, 3] ranks [0, 1.5, 1.5, 3]; b = [10, 20, 30, 40] ranks [0, 1, 2, 3]:
    # Pearson of the ranks: deviations of a's ranks
    # from 1.5: (-1.5, 0, 0, 1.5); of b's: (-1.5, -0.5, 0.5, 1.5); covariance sum 4.5;
    # norms sqrt(4.5) and sqrt(5) -> 4.5 / sqrt(22.5) = 0.948683.
    tied = spearman(np.array([1.0, 2, 2, 3]), np.array([10.0, 20, 30, 40]))
    assert tied == pytest.approx(0.948683, abs=1e-6)
    assert spearman(np.array([3.0, 1, 2]), np.array([30.0, 10, 20])) == pytest.approx(1.0)
    assert spearman(np.array([3.0, 1, 2]), np.array([10.0, 30, 20])) == pytest.approx(-1.0)
