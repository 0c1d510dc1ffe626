"""The analytical cost model: systolic and row-stationary compute, a capacity-aware
memory roofline and table-driven energy (docs/cost_model.md)."""

from xrsim.cost.analytical.model import AnalyticalCostModel, AnalyticalLayerCosts, cost_shapes

__all__ = ["AnalyticalCostModel", "AnalyticalLayerCosts", "cost_shapes"]
