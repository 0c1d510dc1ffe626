"""Run a sweep: plan it, skip what the results log says is done, send the rest to an
executor in chunks, append each finished run to the log, then write the tables."""

from __future__ import annotations

import getpass
import json
import platform
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, BrokenExecutor, Executor, Future, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from xrsim.errors import SpecError
from xrsim.sweep.generate import design_yaml
from xrsim.sweep.plan import PlannedRun, Sweep, plan_sweep
from xrsim.sweep.spec import _SweepBase, load_sweep_spec, spec_from_mapping
from xrsim.sweep.store import ResultsLog, folder_lock, read_manifest, runs_csv, summary_md, write_atomic
from xrsim.sweep.worker import preload, run_chunk

MAX_CHUNK = 32
WORKER_FAILED = "worker failed:"
"""How a run lost with its worker (a crash, a Dask task that errored) is recorded."""
CHUNK_S = 0.25
IN_FLIGHT_PER_WORKER = 3
PACKAGES = ("xrsim", "simpy", "numpy", "networkx", "pydantic", "PyYAML", "dask", "distributed", "optuna")


@dataclass
class SweepOutcome:
    """What one invocation did, and every row of the sweep (this session's and earlier)."""

    sweep: Sweep
    out: Path
    rows: list[dict[str, Any]]
    done: int = 0
    skipped: int = 0
    failed: int = 0
    wall_s: float = 0.0
    interrupted: bool = False
    broken: str | None = None
    """Why the executor stopped taking runs (a pool whose worker died); the runs it did
    not start are left for the next invocation."""
    varying: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What the user should hear of, besides the counts."""


SpecInput = _SweepBase | Mapping[str, Any] | str | Path
"""A sweep spec as a file, a mapping or a loaded spec."""


def recorder(log: ResultsLog, latest: dict[str, dict[str, Any]], by_key: dict[str, PlannedRun],
             outcome: SweepOutcome, progress: Callable[[int], None] | None = None
             ) -> Callable[[list[dict[str, Any]]], None]:
    """What a sweep and a search do with each batch of results: rows labelled with their
    run's axes and command, appended to the log, counted, and remembered as the latest."""

    def record(results: list[dict[str, Any]]) -> None:
        rows = []
        for result in results:
            run = by_key[result["key"]]
            rows.append({"key": result["key"], "status": result["status"], **run.labels,
                         **{k: v for k, v in result.items() if k not in ("key", "status")},
                         "command": run.command})
            outcome.done += 1
            outcome.failed += result["status"] != "ok"
        log.append(rows)
        for row in rows:
            latest[row["key"]] = row
        if progress is not None:
            progress(len(rows))

    return record


def read_spec(spec_or_path: SpecInput) -> tuple[_SweepBase, Path | None]:
    """The spec, and the file it came from (None for a mapping or a spec)."""
    if isinstance(spec_or_path, (str, Path)):
        return load_sweep_spec(Path(spec_or_path)), Path(spec_or_path)
    if isinstance(spec_or_path, Mapping):
        return spec_from_mapping(dict(spec_or_path)), None
    return spec_or_path, None


def out_folder(spec: _SweepBase, source: Path | None, out: str | Path | None) -> Path:
    """``out``, or ``out/<name>``."""
    name = spec.name or (source.stem if source is not None else "sweep")
    if out is not None and not str(out).strip():
        raise SpecError(None, "--out", "needs a folder name, got an empty one")
    return Path(out) if out is not None else Path("out") / name


def load_sweep(spec_or_path: SpecInput, out: str | Path | None) -> tuple[Sweep, Path]:
    """Plan a sweep from a spec file, a mapping or a spec; ``out`` defaults to ``out/<name>``."""
    spec, source = read_spec(spec_or_path)
    if spec.search is not None:
        raise SpecError(source, "search", "a search is run by run_search (python -m xrsim.sweep runs either)")
    folder = out_folder(spec, source, out)
    return plan_sweep(spec, source=source, out=folder), folder


def varying_axes(sweep: Sweep) -> list[str]:
    """The axes that take more than one value: the ones that tell configurations apart."""
    return [a for a in sweep.axes
            if len({json.dumps(r.labels.get(a), sort_keys=True) for r in sweep.runs}) > 1]


class _Chunker:
    """Cuts the runs into chunks of about CHUNK_S of work, from the wall time of the runs
    finished so far (one run a chunk until some have): big enough that a chunk's transfer
    is cheap beside its runs, small enough that a run reaches the log soon after it ends
    and a worker that dies takes little finished work with it. One worker: one run a chunk."""

    def __init__(self, runs: Sequence[PlannedRun], workers: int) -> None:
        self.runs = list(runs)
        self.next = 0
        self.workers = workers
        self.done = 0
        self.wall_s = 0.0

    def measured(self, results: list[dict[str, Any]]) -> None:
        self.done += len(results)
        self.wall_s += sum(r.get("wall_s", 0.0) for r in results)

    def take(self) -> list[PlannedRun] | None:
        if self.next >= len(self.runs):
            return None
        size = 1
        if self.workers > 1 and self.done >= self.workers and self.wall_s > 0:
            size = max(1, min(MAX_CHUNK, int(CHUNK_S / (self.wall_s / self.done))))
        chunk = self.runs[self.next:self.next + size]
        self.next += len(chunk)
        return chunk


def _git_revision() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5,
                              cwd=Path(__file__).resolve().parent)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def _versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for package in PACKAGES:
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = None
    return found


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def _other_spec(sweep: Sweep, out: Path) -> list[str]:
    """A folder that holds another spec's results keeps them, but they are not this
    sweep's rows: say so rather than mix them silently."""
    earlier = read_manifest(out).get("spec")
    if earlier is None or earlier == sweep.spec.model_dump(mode="json", exclude_none=True):
        return []
    return [f"{out} held the results of another spec; they stay in results.jsonl, and runs.csv and "
            "summary.md show this spec's runs only"]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _manifest(sweep: Sweep, out: Path, session: dict[str, Any]) -> None:
    path = out / "manifest.json"
    sessions = list(read_manifest(out).get("sessions", []))
    if sessions and sessions[-1].get("id") == session["id"]:
        sessions[-1] = session
    else:
        sessions.append(session)
    from xrsim import __version__

    manifest = {
        "name": sweep.name, "spec_file": str(sweep.source) if sweep.source else None,
        "spec": sweep.spec.model_dump(mode="json", exclude_none=True),
        "resolved": {"designs": [d.label for d in sweep.designs],
                     "scenarios": [s.label for s in sweep.scenarios],
                     "axes": sweep.axes, "runs": len(sweep.runs)},
        "xrsim": __version__, "git_revision": _git_revision(), "python": sys.version.split()[0],
        "packages": _versions(), "host": socket.gethostname(), "platform": platform.platform(),
        "user": getpass.getuser(), "sessions": sessions,
    }
    write_atomic(path, json.dumps(manifest, indent=2) + "\n")


def write_outputs(outcome: SweepOutcome) -> None:
    """runs.csv and summary.md from every row of the sweep."""
    rows, out = outcome.rows, outcome.out
    write_atomic(out / "runs.csv", runs_csv(rows, outcome.sweep.axes))
    write_atomic(out / "summary.md", summary_md(outcome.sweep.name, rows, outcome.varying))


def execute(sweep: Sweep, out: Path, executor: Executor, workers: int,
            progress: Callable[[int], None] | None = None) -> SweepOutcome:
    """Run every planned run that the log does not have as ok; return all rows of the sweep."""
    started, clock = _now(), time.perf_counter()
    if out.exists() and not out.is_dir():
        raise SpecError(out, "--out", "is a file; the results go in a folder")
    out.mkdir(parents=True, exist_ok=True)
    with folder_lock(out):
        return _execute(sweep, out, executor, workers, progress, started, clock)


def _execute(sweep: Sweep, out: Path, executor: Executor, workers: int,
             progress: Callable[[int], None] | None, started: str, clock: float) -> SweepOutcome:
    if sweep.generated:
        (out / "designs").mkdir(exist_ok=True)
        for system in sweep.generated:
            write_atomic(out / "designs" / f"{system.name}.yaml", design_yaml(system))
    log = ResultsLog(out / "results.jsonl")
    latest = log.latest()
    outcome = SweepOutcome(sweep=sweep, out=out, rows=[], varying=varying_axes(sweep))
    todo = [r for r in sweep.runs if latest.get(r.point.key, {}).get("status") != "ok"]
    outcome.skipped = len(sweep.runs) - len(todo)
    outcome.notes += _other_spec(sweep, out)
    session: dict[str, Any] = {"id": uuid.uuid4().hex, "started": started, "ended": None,
                               "executor": type(executor).__name__, "workers": workers,
                               "planned": len(sweep.runs), "skipped": outcome.skipped}
    _manifest(sweep, out, session)
    by_key = {r.point.key: r for r in todo}
    if progress is not None and outcome.skipped:
        progress(outcome.skipped)

    record = recorder(log, latest, by_key, outcome, progress)

    doomed = [r for r in todo if r.error is not None]
    if doomed:
        record([{"key": r.point.key, "status": "failed", "error": r.error, "wall_s": 0.0} for r in doomed])
    runnable = [r for r in todo if r.error is None]
    preload(sweep)  # before the first task: a pool that forks starts its workers then
    try:
        outcome.broken = dispatch(runnable, executor, workers, record)
    except KeyboardInterrupt:
        outcome.interrupted = True
    finally:
        log.close()
        outcome.wall_s = time.perf_counter() - clock
        outcome.rows = [latest[r.point.key] for r in sweep.runs if r.point.key in latest]
        write_outputs(outcome)
        session.update(ended=_now(), done=outcome.done, failed=outcome.failed,
                       interrupted=outcome.interrupted, broken=outcome.broken,
                       wall_s=round(outcome.wall_s, 3))
        _manifest(sweep, out, session)
    return outcome


def dispatch(runs: Sequence[PlannedRun], executor: Executor, workers: int,
             record: Callable[[list[dict[str, Any]]], None]) -> str | None:
    """Run ``runs`` on ``executor`` in chunks, handing each chunk's results to ``record`` as
    it returns; return why the executor stopped taking runs (a pool whose worker died), or
    None. On KeyboardInterrupt the chunks not started are cancelled and it propagates."""
    broken: str | None = None
    futures: dict[Future[list[dict[str, Any]]], list[PlannedRun]] = {}
    chunker = _Chunker(runs, workers)
    try:
        while True:
            # A few chunks in flight per worker: enough to keep each busy, few enough that
            # runs reach the log as they finish (and not only once all are submitted).
            while not broken and len(futures) < IN_FLIGHT_PER_WORKER * workers:
                chunk = chunker.take()
                if chunk is None:
                    break
                try:
                    futures[executor.submit(run_chunk, [r.point for r in chunk])] = chunk
                except BrokenExecutor as exc:
                    broken = _one_line(exc)
            if not futures:
                return broken
            finished, _ = wait(futures, return_when=FIRST_COMPLETED)
            for future in finished:
                chunk = futures.pop(future)
                try:
                    results = future.result()
                except Exception as exc:  # the worker died (a crash, an out-of-memory kill)
                    if isinstance(exc, BrokenExecutor):
                        broken = _one_line(exc)
                    results = [{"key": r.point.key, "status": "failed", "wall_s": 0.0,
                                "error": f"{WORKER_FAILED} {_one_line(exc)}"} for r in chunk]
                chunker.measured(results)
                record(results)
    except KeyboardInterrupt:
        for future in futures:
            future.cancel()
        raise


def run_sweep(spec_or_path: SpecInput, *, out: str | Path | None = None,
              executor: Executor | str | None = None, workers: int | None = None) -> list[dict[str, Any]]:
    """Run a sweep and return its rows (one per run, as in ``results.jsonl``).

    ``executor`` may be any ``concurrent.futures.Executor`` (a process pool, a Dask
    ``Client.get_executor()``) or the name of one the command line knows (``process``,
    ``serial``, ``dask``); by default the runs go to a local process pool of ``workers``
    processes (one per core). Runs already in ``out`` are skipped. In a script, call it
    under ``if __name__ == "__main__":``: where pool workers are spawned (macOS, Windows)
    they import the script again.
    """
    from xrsim.sweep.executors import default_workers, open_executor

    if isinstance(executor, Executor):
        sweep, folder = load_sweep(spec_or_path, out)
        return execute(sweep, folder, executor, workers or default_workers()).rows
    with open_executor(executor or "process", workers) as (pool, count):
        sweep, folder = load_sweep(spec_or_path, out)
        return execute(sweep, folder, pool, count).rows
