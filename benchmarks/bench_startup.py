"""Start-up: ``python -m xrsim run`` end to end (ar_assistant on xrbench-8k-M, the default
0.7 s run with analytical costs), and ``load_scenario`` of every built-in scenario in a
fresh process (no model parsed yet). Targets (issue 11): under 300 ms and under 10 ms.

Each figure is the best of several runs, each in a new process (wall time of the command;
CPU time inside the process for load_scenario); floors measured the same way: the bare
interpreter, and the interpreter importing only xrsim's dependencies (numpy, pydantic,
PyYAML, SimPy) with the same BLAS setting as the command.

Modules load from their bytecode caches, as on any installed copy (pip compiles the
dependencies; the first run writes xrsim's ``__pycache__``, and an untimed run comes
first): PYTHONDONTWRITEBYTECODE, which some containers set, is cleared for the runs, or
every one would compile xrsim's hundred modules afresh (about 40 ms more).

    python benchmarks/bench_startup.py           # best of 7
    python benchmarks/bench_startup.py --smoke   # CI: once, two scenarios
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUN = ["-m", "xrsim", "run", "--hardware", "xrbench-8k-M", "--scenario", "ar_assistant"]
DEPENDENCIES = "import numpy, pydantic, yaml, simpy"
LOAD = ("import time; from xrsim.workload import load_scenario; start = time.process_time(); "
        "load_scenario({name!r}); print(time.process_time() - start)")


def environment(*, one_blas_thread: bool = False) -> dict[str, str]:
    """This process's environment with bytecode caching on (``one_blas_thread``: and the
    BLAS setting the command line makes for itself)."""
    env = {var: value for var, value in os.environ.items() if var != "PYTHONDONTWRITEBYTECODE"}
    if one_blas_thread:
        env.update({var: "1" for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")})
    return env


def wall_s(argv: list[str], repeat: int, *, one_blas_thread: bool = False) -> float:
    """Best wall time of ``python argv`` in a new process, after one untimed run."""
    env = environment(one_blas_thread=one_blas_thread)
    subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, *argv], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        best = min(best, time.perf_counter() - start)
    return best


def load_s(name: str, repeat: int) -> float:
    """Best CPU time of load_scenario(name) in a fresh process."""
    argv = [sys.executable, "-c", LOAD.format(name=name)]
    return min(float(subprocess.run(argv, cwd=ROOT, env=environment(), check=True, capture_output=True,
                                    text=True).stdout) for _ in range(repeat))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="once, two scenarios (CI)")
    args = parser.parse_args()
    repeat = 1 if args.smoke else 7
    bare, deps = wall_s(["-c", "pass"], repeat), wall_s(["-c", DEPENDENCIES], repeat, one_blas_thread=True)
    run = wall_s(RUN, repeat)
    verdict = "" if args.smoke else f" (target < 300 ms: {'met' if run < 0.3 else 'NOT met'})"
    print(f"python -m xrsim run (ar_assistant, xrbench-8k-M): {run * 1e3:.0f} ms wall, best of {repeat}; "
          f"{run / bare:.1f}x a bare interpreter ({bare * 1e3:.0f} ms), {run / deps:.2f}x importing the "
          f"dependencies alone ({deps * 1e3:.0f} ms){verdict}")
    from xrsim.workload import list_scenarios

    names = list_scenarios()[:2] if args.smoke else list_scenarios()
    for name in names:
        cpu = load_s(name, repeat)
        verdict = "" if args.smoke else f" (target < 10 ms: {'met' if cpu < 0.010 else 'NOT met'})"
        print(f"  load_scenario({name!r}), fresh process: {cpu * 1e3:.1f} ms CPU{verdict}")


if __name__ == "__main__":
    main()
