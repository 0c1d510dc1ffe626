"""Where a sweep's runs execute, all behind ``concurrent.futures.Executor``: in this
process (``serial``), in a pool of spawned processes on this machine (``process``, the
default), or on a Dask cluster (``dask``: an existing one by address, or a local one).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any

from xrsim.errors import SpecError

EXECUTORS = ("process", "serial", "dask")


class SerialExecutor(Executor):
    """Runs each task when it is submitted, in this process: for debugging, profiling and
    tiny sweeps, where starting workers costs more than the runs."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # the caller sees it through the future, as with a pool
            future.set_exception(exc)
        return future


def start_method() -> str:
    """How pool workers start: as forks of the planning process on Linux, where they then
    begin with xrsim imported and the sweep's specs loaded; spawned elsewhere (macOS and
    Windows, where fork is unsafe or absent). ``XRSIM_START_METHOD`` overrides it; the
    workers hold no state that depends on it, so results are the same either way."""
    chosen = os.environ.get("XRSIM_START_METHOD")
    if chosen:
        if chosen not in multiprocessing.get_all_start_methods():
            raise SpecError(None, "XRSIM_START_METHOD", f"unknown start method '{chosen}'; known: "
                            + ", ".join(multiprocessing.get_all_start_methods()))
        return chosen
    return "fork" if sys.platform == "linux" else "spawn"


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextmanager
def open_executor(kind: str, workers: int | None = None, address: str | None = None
                  ) -> Iterator[tuple[Executor, int]]:
    """An executor of ``kind`` and how many runs it works on at once; shut down on exit."""
    if kind not in EXECUTORS:
        raise SpecError(None, "--executor", f"unknown executor '{kind}'; known: {', '.join(EXECUTORS)}")
    if workers is not None and workers < 1:
        raise SpecError(None, "--workers", f"must be >= 1, got {workers}")
    if address is not None and kind != "dask":
        raise SpecError(None, "--dask-address", "applies to --executor dask only")
    if kind == "serial":
        yield SerialExecutor(), 1
        return
    if kind == "process":
        count = workers or default_workers()
        method = start_method()
        from xrsim.sweep.worker import start_worker

        with ProcessPoolExecutor(max_workers=count, mp_context=multiprocessing.get_context(method),
                                 initializer=start_worker, initargs=(os.getpid(),)) as pool:
            if method == "spawn":
                from xrsim.sweep.worker import warm_up

                for _ in range(count):  # start the workers' imports now, beside the caller's planning
                    pool.submit(warm_up)
            yield pool, count
        return
    with ExitStack() as stack:
        yield _dask(stack, workers, address)


def _dask(stack: ExitStack, workers: int | None, address: str | None) -> tuple[Executor, int]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise SpecError(None, "--executor",
                        "dask needs the 'dask' extra: pip install 'xrsim[dask]'") from None
    if address is None:
        cluster = stack.enter_context(LocalCluster(
            n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
            dashboard_address=":0"))  # a free port: never a clash with another cluster
        client = stack.enter_context(Client(cluster))
    else:
        try:
            client = stack.enter_context(Client(address, timeout="10s"))
        except (OSError, ValueError, TimeoutError) as exc:
            raise SpecError(None, "--dask-address",
                            f"cannot reach a Dask scheduler at {address} ({exc})") from None
    count = workers or sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()) or 1
    executor = client.get_executor(pure=False)
    return executor, count
