"""Cost models: per-(model, sub-accelerator) latency and energy, behind one interface."""

from xrsim.cost import analytical as _analytical  # noqa: F401  (registers the backend)
from xrsim.cost import calibrated as _calibrated  # noqa: F401  (registers the backend)
from xrsim.cost import table as _table  # noqa: F401  (registers the backend)
from xrsim.cost.base import (
    COST_BACKENDS,
    CostMemo,
    CostModel,
    CostTable,
    LayerCosts,
    ModelCost,
    cost_backends,
    get_cost_model,
    register_cost_model,
)

__all__ = [
    "COST_BACKENDS",
    "CostMemo",
    "CostModel",
    "CostTable",
    "LayerCosts",
    "ModelCost",
    "cost_backends",
    "get_cost_model",
    "register_cost_model",
]
