"""Index upkeep stays off the request path: searches issued while another process imports 10,000
partners (absorbed by the keeper as deltas and a rebuild in a child process) keep their p99 near the
quiet p99. A generous bound for a shared machine; bench/absorb.py prints the figures."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import absorb  # noqa: E402


@pytest.mark.slow
def test_searches_keep_their_latency_while_a_big_import_is_absorbed(tmp_path):
    result = absorb.run(base=2000, absorb=10000, workdir=tmp_path)
    quiet, busy = result["quiet"]["p99_ms"], result["absorbing"]["p99_ms"]
    print(result)
    assert result["absorbing"]["n"] >= 100  # searches really ran during the absorption
    assert busy <= max(4 * quiet, quiet + 25), result
