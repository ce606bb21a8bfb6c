"""Searches while a big import is absorbed: p50/p99 of Locator.search quiet, then while another
process imports ABSORB_PARTNERS partners and this process's keeper follows (deltas, a background
rebuild). Prints both and their ratio. Used by `make bench` and by tests/db/test_upkeep_off_request_path.py.

Usage: python bench/absorb.py BASE_PARTNERS ABSORB_PARTNERS WORKDIR
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from locator.config import Config  # noqa: E402
from locator.search.query import SearchQuery  # noqa: E402
from locator.services import Services  # noqa: E402

QUERIES = [
    SearchQuery(q="kubernetes", lat=48.137, lon=11.575, radius_km=500.0, facets=("language", "service")),
    SearchQuery(q="cloud migration", lat=40.71, lon=-74.0, radius_km=300.0),
    SearchQuery(lat=51.5, lon=-0.12, radius_km=200.0, facets=("language", "service", "segment")),
    SearchQuery(q="training", facets=("language",)),
    SearchQuery(lat=35.68, lon=139.69, radius_km=1000.0, include_remote=True),
]


def percentiles(times: list[float]) -> dict[str, float]:
    ms = np.array(times) * 1000
    return {"n": len(ms), "p50_ms": round(float(np.percentile(ms, 50)), 2), "p99_ms": round(float(np.percentile(ms, 99)), 2)}


def run(base: int, absorb: int, workdir: Path, python: str = sys.executable) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    for stale in [*workdir.glob("absorb.sqlite*"), workdir / "index"]:  # a fresh store and index each run
        shutil.rmtree(stale) if stale.is_dir() else stale.unlink(missing_ok=True)
    locator_cli = [str(Path(python).parent / "locator")]
    env = dict(os.environ, LOCATOR_DATABASE_URL=f"sqlite:///{workdir / 'absorb.sqlite'}",
               LOCATOR_INDEX_DIR=str(workdir / "index"), LOCATOR_REBUILD_DELTA="5000")
    def quiet_run(*args: str) -> None:
        done = subprocess.run([*locator_cli, *args], env=env, cwd=ROOT, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"locator {' '.join(args)} failed: {done.stderr.strip()[-800:]}")

    quiet_run("init-db")
    quiet_run("generate", "--partners", str(base), "--seed", "11", "--out", str(workdir / "base.json"))
    quiet_run("generate", "--partners", str(absorb), "--seed", "12", "--out", str(workdir / "more.json"))
    quiet_run("import", str(workdir / "base.json"))
    quiet_run("reindex")
    config = Config.from_env(env={k: v for k, v in env.items() if k.startswith("LOCATOR_")})
    services = Services(config)
    locator = services.locator
    try:
        for q in QUERIES:
            locator.search(q)
        quiet: list[float] = []
        for i in range(100 * len(QUERIES)):
            t = time.perf_counter()
            locator.search(QUERIES[i % len(QUERIES)])
            quiet.append(time.perf_counter() - t)
        marker = locator.model().marker
        importer = subprocess.Popen([*locator_cli, "import", str(workdir / "more.json")], env=env, cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        busy: list[float] = []
        i, started = 0, time.monotonic()
        while True:
            t = time.perf_counter()
            locator.search(QUERIES[i % len(QUERIES)])
            busy.append(time.perf_counter() - t)
            i += 1
            done = importer.poll() is not None
            model = locator.keeper._model
            if done and model is not None and model.marker > marker and locator.search(SearchQuery(audience="seller")).total >= base + absorb:
                break
            if time.monotonic() - started > 600:
                raise SystemExit("the import was not absorbed within 10 minutes")
            time.sleep(0.002)
        absorbed_s = time.monotonic() - started
    finally:
        services.close()
    result = {"base_partners": base, "absorbed_partners": absorb, "absorb_s": round(absorbed_s, 1),
              "quiet": percentiles(quiet), "absorbing": percentiles(busy)}
    result["p99_ratio"] = round(result["absorbing"]["p99_ms"] / result["quiet"]["p99_ms"], 2)
    return result


if __name__ == "__main__":
    base, absorb, workdir = int(sys.argv[1]), int(sys.argv[2]), Path(sys.argv[3])
    print(json.dumps(run(base, absorb, workdir), indent=2))
