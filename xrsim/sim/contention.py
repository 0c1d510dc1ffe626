"""Shared off-chip bandwidth: how fast each running block progresses when several
sub-accelerators pull from one DRAM channel at once (model in docs/engine.md).

A block that alone takes ``latency`` seconds and moves ``dram_bytes`` bytes demands
``dram_bytes / latency`` bytes per second. The channel's bandwidth is split max-min fairly
(water-filling): no block gets more than it demands, and what a modest block leaves over
goes to the others in equal parts. A block granted ``a`` of its demand ``d`` progresses at
rate ``a / d``; a memory-bound block alone demands the whole channel, so two of them at
once each progress at 1/2 and take twice as long.
"""

from __future__ import annotations

from collections.abc import Sequence


def fair_rates(demands: Sequence[float], bandwidth: float) -> list[float]:
    """Progress rate in (0, 1] of each block, given demands in bytes per second."""
    rates = [1.0] * len(demands)
    left = bandwidth
    pending = sorted((d, i) for i, d in enumerate(demands) if d > 0.0)
    for k, (demand, _) in enumerate(pending):
        share = left / (len(pending) - k)
        if demand <= share:
            left -= demand
            continue
        for demand_j, j in pending[k:]:
            rates[j] = share / demand_j
        break
    return rates
