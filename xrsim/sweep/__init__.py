"""Sweeps: an experiment spec expanded into thousands of runs, executed on a process pool
or a Dask cluster, with results that are never lost (``python -m xrsim.sweep``)."""

from xrsim.sweep.runner import load_sweep, run_sweep
from xrsim.sweep.search import load_search, run_search

__all__ = ["load_search", "load_sweep", "run_search", "run_sweep"]
