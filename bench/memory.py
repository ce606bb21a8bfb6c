"""Memory per gunicorn worker and a fresh node's start, measured on a built store and index.

`python bench/memory.py` (after `make bench` has built bench/out) prints both; bench/run.py calls
`pss_by_workers` and `fresh_node`. PSS (proportional set size, /proc/<pid>/smaps_rollup) splits each
shared page among the processes mapping it, so the sum over the master and its workers is what the
server costs the machine, and its growth per added worker is what a worker adds.
"""
from __future__ import annotations

import os
import shutil
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import http_load  # noqa: E402


def smaps(pid: int) -> dict[str, float]:
    """Rss, Pss and private (clean + dirty) MB of a process."""
    fields: dict[str, int] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, _, rest = line.partition(":")
        if rest.strip().endswith("kB"):
            fields[name] = int(rest.split()[0])
    mb = lambda kb: round(kb / 1024.0, 1)  # noqa: E731
    return {"rss": mb(fields["Rss"]), "pss": mb(fields["Pss"]),
            "private": mb(fields["Private_Clean"] + fields["Private_Dirty"])}


def _load_each_worker(base: str, paths: list[str], workers: int, rounds: int = 3) -> None:
    """Send the query mix `rounds` times over 2 connections per worker, so every worker has served it."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max(2, workers * 2)) as pool:
        list(pool.map(lambda p: http_load.fetch(base, p), paths * rounds))


def pss_by_workers(env: dict[str, str], paths: list[str], log_dir: Path, counts=(1, 2, 4)) -> dict:
    """For each worker count: smaps of the master and of each worker after they served the query mix."""
    out: dict = {}
    for n in counts:
        with http_load.gunicorn(env, log_dir / f"gunicorn-memory-{n}.log", workers=n) as (base, proc):
            _load_each_worker(base, paths, n)
            time.sleep(1.0)
            workers = http_load.worker_pids(proc.pid)
            out[n] = {"master": smaps(proc.pid), "workers": [smaps(pid) for pid in workers]}
            out[n]["total_pss"] = round(out[n]["master"]["pss"] + sum(w["pss"] for w in out[n]["workers"]), 1)
    first, last = min(counts), max(counts)
    out["per_added_worker_pss"] = round((out[last]["total_pss"] - out[first]["total_pss"]) / (last - first), 1)
    return out


def _get(url: str, timeout: float = 120) -> tuple[int, float]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        exc.read()
        status = exc.code
    except OSError:
        status = 0
    return status, time.perf_counter() - started


def fresh_node(env: dict[str, str], index_dir: Path, log_path: Path, search_path: str, workers: int = 2,
               timeout_s: float = 600) -> dict:
    """Start gunicorn on an empty index directory; time until /readyz is 200 and until a search is
    answered 200, polling both every 0.25 s; and the slowest answer any search got before (a search
    that waited for a build would show here); `index`: whether the node copied a published build or built one."""
    shutil.rmtree(index_dir, ignore_errors=True)
    index_dir.mkdir(parents=True)
    env = dict(env, LOCATOR_INDEX_DIR=str(index_dir))
    started = time.perf_counter()
    ready_s = search_s = None
    slowest_before = 0.0
    statuses: dict[int, int] = {}
    with http_load.gunicorn(env, log_path, workers=workers, timeout_s=timeout_s) as (base, _):
        up_s = time.perf_counter() - started
        while time.perf_counter() - started < timeout_s and (ready_s is None or search_s is None):
            if ready_s is None and _get(base + "/readyz", 10)[0] == 200:
                ready_s = time.perf_counter() - started
            if search_s is None:
                status, took = _get(base + search_path)
                statuses[status] = statuses.get(status, 0) + 1
                if status == 200:
                    search_s = time.perf_counter() - started
                else:
                    slowest_before = max(slowest_before, took)
            time.sleep(0.25)
    try:
        build = (index_dir / "CURRENT").read_text().strip()
    except OSError:
        build = ""
    return {"index": "copied" if build.endswith("-copied") else "built" if build else None,
            "listening_s": round(up_s, 1), "ready_s": None if ready_s is None else round(ready_s, 1),
            "first_search_s": None if search_s is None else round(search_s, 1),
            "slowest_answer_before_s": round(slowest_before, 3), "answers_before": statuses}


def main() -> None:
    out = HERE / "out"
    n = os.environ.get("BENCH_PARTNERS", "100000")
    env = {"LOCATOR_DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{out}/store-{n}-seed1.sqlite"),
           "LOCATOR_INDEX_DIR": os.environ.get("BENCH_INDEX_DIR", str(out / f"index-spatialite-{n}"))}
    paths = [line.split("\t")[1] for line in (out / "queries.txt").read_text().splitlines() if "\t" in line]
    memory = pss_by_workers(env, paths, Path("/tmp"))
    for count in (1, 2, 4):
        m = memory[count]
        print(f"{count} worker(s): total PSS {m['total_pss']} MB; master {m['master']}; workers {m['workers']}")
    print(f"each added worker: {memory['per_added_worker_pss']} MB PSS")
    if os.environ.get("BENCH_FRESH", "1") == "1":
        print("fresh node:", fresh_node(env, Path("/tmp/bench-fresh-index"), Path("/tmp/gunicorn-fresh.log"), paths[0]))


if __name__ == "__main__":
    main()
