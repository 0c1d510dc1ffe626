"""Workload specs: layers, models and usage scenarios."""

from xrsim.workload.layers import (
    AttentionMatmulLayer,
    ConvLayer,
    ElementwiseLayer,
    GemmLayer,
    Layer,
    LoopNest,
    PoolLayer,
)
from xrsim.workload.library import list_models, list_scenarios, load_model, load_scenario
from xrsim.workload.model import Accuracy, Model
from xrsim.workload.scenario import Cascade, Jitter, ModelUse, Scenario, ScenarioSpec

__all__ = [
    "Accuracy",
    "AttentionMatmulLayer",
    "Cascade",
    "ConvLayer",
    "ElementwiseLayer",
    "GemmLayer",
    "Jitter",
    "Layer",
    "LoopNest",
    "Model",
    "ModelUse",
    "PoolLayer",
    "Scenario",
    "ScenarioSpec",
    "list_models",
    "list_scenarios",
    "load_model",
    "load_scenario",
]
