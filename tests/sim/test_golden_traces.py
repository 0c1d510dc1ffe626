"""The default engine reproduces, record for record and bit for bit, the traces it gave
for a few hundred generated scenarios and options before its hot path was optimised, and
those main's engine gave with power gating before the two met (tests/engine_golden.py says
what the cases cover and how they were recorded)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.engine_golden import load, run_case, trace_rows
from xrsim.sim.schedulers import scheduler_names

GOLDEN = load()


@pytest.mark.parametrize("golden", GOLDEN, ids=[f"case{i}" for i in range(len(GOLDEN))])
def test_engine_reproduces_the_golden_trace(golden: dict[str, Any]) -> None:
    got = trace_rows(run_case(golden["case"]))
    want = golden["trace"]
    for part in ("records", "slices", "blocks"):
        assert len(got[part]) == len(want[part]), part
        for i, (a, b) in enumerate(zip(got[part], want[part], strict=True)):
            assert a == b, f"{part}[{i}]"
    assert (got["end_s"], got["warmup_s"]) == (want["end_s"], want["warmup_s"])


def test_the_golden_cases_cover_the_options() -> None:
    cases = [g["case"] for g in GOLDEN]
    options = [c["options"] for c in cases]
    assert len(cases) >= 350
    assert {o["scheduler"] for o in options} == set(scheduler_names())
    assert {o["drop_policy"] for o in options} == {"deadline", "never", "predicted_miss"}
    for flag in ("preemptive", "migration", "shared_dram", "record_blocks"):
        assert any(o[flag] for o in options) and not all(o[flag] for o in options), flag
    assert any(u.get("jitter") for c in cases if c["kind"] == "hand" for u in c["uses"])
    assert any(c.get("cascades") for c in cases)
    assert any(r[10] for g in GOLDEN for r in g["trace"]["records"])  # some frame was preempted
    assert any(r[15] for g in GOLDEN for r in g["trace"]["records"])  # some block waited for a wake-up
