"""What recording search insights costs a search at BENCH_PARTNERS (default 100,000) partners: Locator.search
p50 with the recording hook on (the hand-off to the buffer, the writer thread writing batches in the background)
and off, interleaved query by query so drift on a shared machine hits both alike. A script, not a test.

    python bench/insights_cost.py        # after `make bench` has cached bench/out (store, index, queries.txt)

Uses a private copy of the cached SpatiaLite store and index (bench/out is never written) and a scratch store
for the recorded events. Environment: BENCH_PARTNERS (100000), BENCH_SEED (1), INSIGHTS_PASSES (5).
Target (issue 12): p50 with recording on within 0.2 ms of off.
"""
from __future__ import annotations

import gc
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from werkzeug.datastructures import MultiDict  # noqa: E402

from locator.config import Config  # noqa: E402
from locator.db import Database  # noqa: E402
from locator.errors import LocatorError  # noqa: E402
from locator.insights.recorder import Recorder, new_search_id, search_seen  # noqa: E402
from locator.search.query import SearchQuery  # noqa: E402
from locator.services import Services  # noqa: E402

N = int(os.environ.get("BENCH_PARTNERS", "100000"))
SEED = int(os.environ.get("BENCH_SEED", "1"))
PASSES = int(os.environ.get("INSIGHTS_PASSES", "5"))
OUT = HERE / "out"
TARGET_MS = 0.2


def queries() -> list[MultiDict]:
    """The benchmark's query mix (bench/out/queries.txt, written by bench/run.py)."""
    from urllib.parse import parse_qsl, urlsplit

    listing = OUT / "queries.txt"
    if not listing.exists():
        raise SystemExit(f"{listing} is missing: run `make bench` once (it caches the store, index and queries)")
    return [MultiDict(parse_qsl(urlsplit(line.split("\t", 1)[1]).query))
            for line in listing.read_text().splitlines() if "\t" in line]


def main() -> None:
    store, index = OUT / f"store-{N}-seed{SEED}.sqlite", OUT / f"index-spatialite-{N}"
    if not store.exists() or not index.exists():
        raise SystemExit(f"{store.name} or {index.name} is missing in bench/out: run `make bench` once")
    with tempfile.TemporaryDirectory(prefix="insights-cost-") as tmp:
        work = Path(tmp)
        shutil.copyfile(store, work / "store.sqlite")
        shutil.copytree(index, work / "index")
        events = Database(f"sqlite:///{work / 'events.sqlite'}")
        events.create_all()
        config = Config.from_env(overrides={"database_url": f"sqlite:///{work / 'store.sqlite'}",
                                            "index_dir": str(work / "index")})
        services = Services(config)
        try:
            run(services, events, config)
        finally:
            services.close()
            events.engine.dispose()


def run(services: Services, events: Database, config: Config) -> None:
    locator = services.locator
    places = services.geocoder.gazetteer
    recorder = Recorder(events, lambda: places, capacity=config.insights_buffer, flush_s=config.insights_flush_s,
                        batch=config.insights_batch)
    parsed = []
    for params in queries():
        try:
            query = SearchQuery.from_params(params, config)
            locator.search(query)  # warm-up, and drop what the parser or locator refuses
            parsed.append(query)
        except LocatorError:
            continue
    off = np.zeros((PASSES, len(parsed)))
    on = np.zeros((PASSES, len(parsed)))
    hook = np.zeros((PASSES, len(parsed)))
    gc.collect()
    for p in range(PASSES):
        for i, query in enumerate(parsed):
            for recording in ((False, True) if (p + i) % 2 == 0 else (True, False)):
                t0 = time.perf_counter_ns()
                results = locator.search(query)
                if recording:
                    t1 = time.perf_counter_ns()
                    recorder.record(search_seen(query, results, "api", new_search_id()))
                    hook[p, i] = (time.perf_counter_ns() - t1) / 1e6
                    on[p, i] = (time.perf_counter_ns() - t0) / 1e6
                else:
                    off[p, i] = (time.perf_counter_ns() - t0) / 1e6
    t0 = time.perf_counter()
    recorder.close()  # the rest of the buffer
    tail_s = time.perf_counter() - t0
    p50_off, p50_on = float(np.median(off)), float(np.median(on))
    searches = PASSES * len(parsed)
    print(f"insights recording cost at {N:,} partners, {len(parsed)} queries x {PASSES} passes, interleaved:")
    print(f"  search p50 recording off: {p50_off:.3f} ms   p99 {np.percentile(off, 99):.2f} ms")
    print(f"  search p50 recording on:  {p50_on:.3f} ms   p99 {np.percentile(on, 99):.2f} ms")
    print(f"  difference p50: {p50_on - p50_off:+.3f} ms (target: within {TARGET_MS} ms) "
          f"{'PASS' if p50_on - p50_off <= TARGET_MS else 'MISS'}")
    print(f"  the hook alone (hand-off to the buffer): p50 {np.median(hook) * 1000:.1f} µs, "
          f"p99 {np.percentile(hook, 99) * 1000:.1f} µs")
    print(f"  recorded {recorder.written:,} of {searches:,} searches (dropped {recorder.dropped}); "
          f"last flush {tail_s * 1000:.0f} ms")


if __name__ == "__main__":
    main()
