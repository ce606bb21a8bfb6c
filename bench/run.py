"""`make bench`: the Partner Locator at BENCH_PARTNERS (default 100,000) generated partners.

Generates (cached by N + seed), loads SpatiaLite and a throwaway PostGIS cluster, builds the index,
then measures a fixed, seeded query mix: Locator.search in-process on both backends, HTTP through
gunicorn (2 workers) with wrk, a plain-SQL PostGIS baseline, the memory (PSS) of 1, 2 and 4 gunicorn
workers and the time a fresh node (empty index directory) takes to become ready (bench/memory.py). Prints a table with PASS/MISS per
target and writes bench/out/results.md and results.json. A benchmark, not a test.

Environment: BENCH_PARTNERS (100000), BENCH_SEED (1), BENCH_QUERIES_PER_CLASS (40), BENCH_PASSES
(3 timed passes in-process), BENCH_BASELINE_PASSES (2), BENCH_HTTP_SECONDS (15), BENCH_HTTP_CONNECTIONS (4).
"""
from __future__ import annotations

import gc
import json
import os
import platform
import re
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

import baseline  # noqa: E402
import http_load  # noqa: E402
import memory  # noqa: E402
from queries import CLASS_HELP, CLASSES, BenchQuery, build_queries, pick_terms  # noqa: E402
import query_classes  # noqa: E402  (issue 10: region, postal code, multi-word intent)

CLASSES = CLASSES + query_classes.CLASSES
CLASS_HELP = {**CLASS_HELP, **query_classes.CLASS_HELP}

N = int(os.environ.get("BENCH_PARTNERS", "100000"))
SEED = int(os.environ.get("BENCH_SEED", "1"))
PER_CLASS = int(os.environ.get("BENCH_QUERIES_PER_CLASS", "40"))
PASSES = int(os.environ.get("BENCH_PASSES", "3"))
BASELINE_PASSES = int(os.environ.get("BENCH_BASELINE_PASSES", "2"))
HTTP_SECONDS = int(os.environ.get("BENCH_HTTP_SECONDS", "15"))
HTTP_CONNECTIONS = int(os.environ.get("BENCH_HTTP_CONNECTIONS", "4"))
OUT = HERE / "out"
VENV_BIN = Path(sys.executable).parent
TARGETS = {"p50_ms": 10.0, "p99_ms": 50.0, "rps": 400.0, "build_s": 60.0, "worker_pss_mb": 100.0, "fresh_ready_s": 30.0}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


LOADS: dict[str, float] = {}


def note_load(phase: str) -> None:
    """The 1-minute load average when a phase starts (other work on this 2-core machine skews figures)."""
    LOADS[phase] = round(os.getloadavg()[0], 2)


LAST_OUTPUT: dict[str, str] = {}


def locator_cli(*args: str, env: dict[str, str] | None = None) -> float:
    """Run `locator ARGS` (the installed command); return its wall time in seconds (its output goes to the log)."""
    started = time.perf_counter()
    result = subprocess.run([str(VENV_BIN / "locator"), *args], cwd=ROOT, env=dict(os.environ, **(env or {})),
                            capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode:
        raise SystemExit(f"locator {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    last = result.stdout.strip().splitlines()[-1:] or [""]
    LAST_OUTPUT[args[0]] = last[0]
    log(f"  locator {args[0]}: {last[0][:300]}")
    return elapsed


BENCH_SECRET = "bench-" + "0" * 58  # (a throwaway store's key: it signs nothing else)


@dataclass
class Backend:
    name: str
    url: str
    index_dir: Path
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        # one secret key for `locator reindex` and every node, as in production: it signs the published build
        return {"LOCATOR_DATABASE_URL": self.url, "LOCATOR_INDEX_DIR": str(self.index_dir),
                "LOCATOR_SECRET_KEY": os.environ.get("LOCATOR_SECRET_KEY") or BENCH_SECRET}

    def load(self, data: Path) -> None:
        self.timings["init_db_s"] = locator_cli("init-db", env=self.env)
        self.timings["import_s"] = locator_cli("import", str(data), env=self.env)
        log(f"{self.name}: imported in {self.timings['import_s']:.1f} s")

    def reindex(self) -> None:
        self.timings["reindex_s"] = locator_cli("reindex", env=self.env)
        detail = re.search(r"\(([^()]*s)\)\s*$", LAST_OUTPUT.get("reindex", ""))
        self.timings["reindex_detail"] = detail.group(1) if detail else ""
        log(f"{self.name}: `locator reindex` (full build) in {self.timings['reindex_s']:.1f} s")


def generate() -> Path:
    data = OUT / f"partners-{N}-seed{SEED}.json"
    if data.exists():
        log(f"using cached {data.name}")
        return data
    partial = data.with_suffix(".partial.json")
    seconds = locator_cli("generate", "--partners", str(N), "--seed", str(SEED), "--out", str(partial))
    partial.rename(data)
    log(f"generated {N} partners in {seconds:.1f} s")
    return data


def sample_texts(sqlite_path: Path, target: int = 5000) -> list[str]:
    """Names and descriptions of about `target` partners (every k-th id) from the SpatiaLite store."""
    with sqlite3.connect(sqlite_path) as conn:
        total = conn.execute("SELECT count(*) FROM partner").fetchone()[0]
        step = max(1, total // target)
        rows = conn.execute("SELECT name, description FROM partner WHERE id % ? = 0", (step,)).fetchall()
    return [f"{name} {description or ''}" for name, description in rows]


# ---------------------------------------------------------------- in-process


def measure_locator(backend: Backend, queries: list[BenchQuery]) -> dict:
    """Locator.search timings (ms) per query over PASSES warm passes, after a cold first search and a warm-up pass."""
    from werkzeug.datastructures import MultiDict

    from locator.config import Config
    from locator.errors import LocatorError
    from locator.search.query import SearchQuery
    from locator.services import Services

    config = Config.from_env(overrides={"database_url": backend.url, "index_dir": str(backend.index_dir)})
    services = Services(config)
    try:
        parsed = [SearchQuery.from_params(MultiDict(q.params), config) for q in queries]
        locator = services.locator
        services.geocoder.geocode("Berlin")  # the gazetteer loads once per process: keep it out of the cold figure
        started = time.perf_counter()
        locator.search(parsed[0])
        cold_ms = (time.perf_counter() - started) * 1000
        outcomes: list[dict] = []
        for q, sq in zip(queries, parsed):  # warm-up pass; keeps what each query resolved to
            try:
                res = locator.search(sq)
                loc = res.location
                outcomes.append({"total": res.total, "ids": [r.id for r in res.results],
                                 "location": (loc.lat, loc.lon, loc.country) if loc else None})
            except LocatorError as exc:
                outcomes.append({"error": f"{type(exc).__name__}: {exc}"})
        times = np.zeros((PASSES, len(queries)))
        cpu = np.zeros((PASSES, len(queries)))
        gc.collect()
        for p in range(PASSES):
            for i, sq in enumerate(parsed):
                if "error" in outcomes[i]:
                    times[p, i] = cpu[p, i] = np.nan
                    continue
                c0, t0 = time.thread_time_ns(), time.perf_counter_ns()
                locator.search(sq)
                times[p, i] = (time.perf_counter_ns() - t0) / 1e6
                cpu[p, i] = (time.thread_time_ns() - c0) / 1e6
        return {"cold_first_search_ms": cold_ms, "times": times, "cpu": cpu, "outcomes": outcomes}
    finally:
        services.close()


def measure_baseline(url: str, queries: list[BenchQuery], locations: list) -> dict:
    conn = baseline.connect(url)
    try:
        search = baseline.BaselineSearch(conn)
        outcomes = [search.search(q, loc) for q, loc in zip(queries, locations)]  # warm-up pass
        times = np.zeros((BASELINE_PASSES, len(queries)))
        for p in range(BASELINE_PASSES):
            for i, (q, loc) in enumerate(zip(queries, locations)):
                t0 = time.perf_counter_ns()
                search.search(q, loc)
                times[p, i] = (time.perf_counter_ns() - t0) / 1e6
        return {"times": times, "outcomes": outcomes}
    finally:
        conn.close()


def percentiles(values: np.ndarray) -> dict[str, float]:
    values = values[~np.isnan(values)]
    if not values.size:
        return {"n": 0, "p50": float("nan"), "p95": float("nan"), "p99": float("nan")}
    p50, p95, p99 = np.percentile(values, [50, 95, 99])
    return {"n": int(values.size), "p50": float(p50), "p95": float(p95), "p99": float(p99)}


def by_class(times: np.ndarray, queries: list[BenchQuery]) -> dict[str, dict[str, float]]:
    classes = np.array([q.cls for q in queries])
    stats = {cls: percentiles(times[:, classes == cls].ravel()) for cls in CLASSES}
    stats["overall"] = percentiles(times.ravel())
    return stats


# ---------------------------------------------------------------- HTTP


def measure_http(backend: Backend, queries: list[BenchQuery]) -> dict:
    paths = [q.url for q in queries]
    with http_load.gunicorn(backend.env, OUT / f"gunicorn-{backend.name}.log") as (base, proc):
        started = time.perf_counter()
        failures = http_load.warm_up(base, paths)
        warm_s = time.perf_counter() - started
        stats = http_load.run_wrk(base, paths, OUT, HTTP_SECONDS, HTTP_CONNECTIONS, threads=1)
        workers = http_load.worker_pids(proc.pid)
        stats["rss_mb"] = [round(http_load.rss_mb(pid), 1) for pid in workers]
        stats["master_rss_mb"] = round(http_load.rss_mb(proc.pid), 1)
    stats["warm_up_s"] = warm_s
    stats["warm_up_failures"] = failures[:5]
    stats["warm_up_failure_count"] = len(failures)
    return stats


# ---------------------------------------------------------------- report


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def fmt(v: float) -> str:
    if v != v:
        return "n/a"
    return f"{v:.1f}" if v >= 10 else f"{v:.2f}"


def agreement(ours: list[dict], base: list[dict], queries: list[BenchQuery]) -> dict[str, str]:
    """How often ours and the baseline agree on the number of matches, per class (text classes differ by design)."""
    out = {}
    for cls in CLASSES:
        idx = [i for i, q in enumerate(queries) if q.cls == cls and "error" not in ours[i]]
        same = sum(ours[i]["total"] == base[i]["total"] for i in idx)
        out[cls] = f"{same}/{len(idx)}"
    return out


def report(results: dict, queries: list[BenchQuery]) -> str:
    lines: list[str] = []
    add = lines.append
    meta = results["meta"]
    add(f"## Benchmark: {meta['partners']:,} partners ({meta['offices']:,} offices), seed {meta['seed']}")
    add("")
    add(f"{meta['machine']}; {len(queries)} queries ({PER_CLASS} per class), {PASSES} warm passes in-process "
        f"({BASELINE_PASSES} for the baseline); HTTP: gunicorn -c gunicorn.conf.py (2 gthread workers), wrk {HTTP_SECONDS} s, {HTTP_CONNECTIONS} connections.")
    add(f"Query terms (document frequency in a sample): {meta['terms']}")
    add(f"1-minute load average at the start of each phase (2 cores, shared): "
        + ", ".join(f"{k} {v}" for k, v in meta.get("load_average", {}).items()))
    add("")
    add("### Load and build")
    add("")
    add("| step | SpatiaLite | PostGIS |")
    add("|---|---|---|")
    sl, pg = results["backends"]["spatialite"], results["backends"]["postgis"]
    add(f"| generate {meta['partners']:,} partners | {meta.get('generate', 'cached')} | |")
    add(f"| `locator import` | {sl['timings']['import_s']:.1f} s | {pg['timings']['import_s']:.1f} s |")
    add(f"| `locator reindex` (full index build) | {sl['timings']['reindex_s']:.1f} s ({sl['timings']['reindex_detail']}) "
        f"| {pg['timings']['reindex_s']:.1f} s ({pg['timings']['reindex_detail']}) |")
    add(f"| first search (read model load; gazetteer already loaded) | {fmt(sl['inproc']['cold_first_search_ms'])} ms | {fmt(pg['inproc']['cold_first_search_ms'])} ms |")
    add(f"| baseline setup (tsvector + jsonb columns, GIN/GiST indexes, ANALYZE) | | {results['baseline']['setup_s']:.1f} s |")
    add("")
    add("### In-process `Locator.search` and baseline, ms (p50 / p95 / p99)")
    add("")
    add("| class | ours SpatiaLite | ours PostGIS | ours PostGIS, CPU time | baseline SQL (PostGIS) | baseline / ours-PostGIS p50 · p99 | totals agree |")
    add("|---|---|---|---|---|---|---|")
    sls, pgs, bls = sl["inproc"]["stats"], pg["inproc"]["stats"], results["baseline"]["stats"]
    cpus = pg["inproc"]["cpu_stats"]
    for cls in (*CLASSES, "overall"):
        a, b, c, d = sls[cls], pgs[cls], bls[cls], cpus[cls]
        ratio = f"{c['p50'] / b['p50']:.1f}× · {c['p99'] / b['p99']:.1f}×" if b["n"] and c["n"] else "n/a"
        agree = results["agreement"].get(cls, "")
        add(f"| {cls} | {fmt(a['p50'])} / {fmt(a['p95'])} / {fmt(a['p99'])} | {fmt(b['p50'])} / {fmt(b['p95'])} / {fmt(b['p99'])} "
            f"| {fmt(d['p50'])} / {fmt(d['p95'])} / {fmt(d['p99'])} "
            f"| {fmt(c['p50'])} / {fmt(c['p95'])} / {fmt(c['p99'])} | {ratio} | {agree} |")
    add("")
    add("Wall-clock figures are what the targets judge; the CPU-time column (time.thread_time of the searching thread) "
        "shows how much of the wall time is waiting for a core on this shared machine. Text classes do not agree "
        "with the baseline by design (ours stems differently, folds accents and matches typos).")
    add("")
    add("### HTTP (gunicorn -c gunicorn.conf.py: 2 gthread workers; wrk on 127.0.0.1)")
    add("")
    add("| backend | req/s | p50 / p95 / p99 ms | non-2xx / errors | RSS per worker (MB) |")
    add("|---|---|---|---|---|")
    for name in ("spatialite", "postgis"):
        h = results["backends"][name]["http"]
        errors = h["errors_connect"] + h["errors_read"] + h["errors_write"] + h["errors_timeout"]
        add(f"| {name} | {h['rps']:.0f} | {h['p50_us'] / 1000:.1f} / {h['p95_us'] / 1000:.1f} / {h['p99_us'] / 1000:.1f} "
            f"| {h['errors_status']} / {errors} | {', '.join(str(r) for r in h['rss_mb'])} |")
    add("")
    mem = results["memory"]
    add("### Memory per gunicorn worker (SpatiaLite; PSS from /proc/<pid>/smaps_rollup, MB, after serving the query mix)")
    add("")
    add("| workers | total PSS (master + workers) | master PSS | worker PSS | worker private (clean + dirty) | worker RSS |")
    add("|---|---|---|---|---|---|")
    for count in (1, 2, 4):
        m = mem[count]
        add(f"| {count} | {m['total_pss']} | {m['master']['pss']} | {', '.join(str(w['pss']) for w in m['workers'])} "
            f"| {', '.join(str(w['private']) for w in m['workers'])} | {', '.join(str(w['rss']) for w in m['workers'])} |")
    add("")
    add(f"Each added worker adds {mem['per_added_worker_pss']} MB of PSS ((total with 4 − total with 1) / 3).")
    add("")
    f = results["fresh_node"]
    add("### A fresh node (PostGIS, gunicorn 2 workers, empty index directory)")
    add("")
    add(f"Listening after {f['listening_s']} s; `/readyz` 200 after {f['ready_s']} s; first search answered 200 after "
        f"{f['first_search_s']} s. Searches before that: {f['answers_before']} (status: count), the slowest answered in "
        f"{f['slowest_answer_before_s']} s (none waits for the build). Its index: {f.get('index')} (copied: the build "
        f"`locator reindex` published into the store; built: from the store).")
    add("")
    add("### Targets")
    add("")
    add("| target | figure | verdict |")
    add("|---|---|---|")
    for target, figure, ok in results["targets"]:
        add(f"| {target} | {figure} | {verdict(ok)} |")
    add("")
    add("Classes: " + "; ".join(f"**{c}**: {h}" for c, h in CLASS_HELP.items()) + ".")
    errs = results.get("query_errors")
    if errs:
        add("")
        add(f"Queries our search rejected ({len(errs)}; excluded from timings): " + "; ".join(errs[:5]))
    return "\n".join(lines) + "\n"


def targets(results: dict) -> list[tuple[str, str, bool]]:
    rows = []
    for name in ("spatialite", "postgis"):
        b = results["backends"][name]
        s = b["inproc"]["stats"]["overall"]
        worst = max(CLASSES, key=lambda c: b["inproc"]["stats"][c]["p99"])
        rows.append((f"{name}: in-process p50 ≤ {TARGETS['p50_ms']:.0f} ms", f"{fmt(s['p50'])} ms", s["p50"] <= TARGETS["p50_ms"]))
        rows.append((f"{name}: in-process p99 ≤ {TARGETS['p99_ms']:.0f} ms", f"{fmt(s['p99'])} ms (worst class {worst}: "
                     f"{fmt(b['inproc']['stats'][worst]['p99'])} ms)", s["p99"] <= TARGETS["p99_ms"]))
        rows.append((f"{name}: HTTP ≥ {TARGETS['rps']:.0f} req/s", f"{b['http']['rps']:.0f} req/s", b["http"]["rps"] >= TARGETS["rps"]))
        rows.append((f"{name}: full index build ≤ {TARGETS['build_s']:.0f} s", f"{b['timings']['reindex_s']:.1f} s",
                     b["timings"]["reindex_s"] <= TARGETS["build_s"]))
    added = results["memory"]["per_added_worker_pss"]
    rows.append((f"each added gunicorn worker ≤ {TARGETS['worker_pss_mb']:.0f} MB PSS", f"{added} MB", added <= TARGETS["worker_pss_mb"]))
    ready = results["fresh_node"]["ready_s"]
    rows.append((f"fresh node ready ≤ {TARGETS['fresh_ready_s']:.0f} s (PostGIS, 100k)", f"{ready} s",
                 ready is not None and ready <= TARGETS["fresh_ready_s"]))
    ours, base = results["backends"]["postgis"]["inproc"]["stats"], results["baseline"]["stats"]
    for cls in CLASSES:
        ok = ours[cls]["p50"] < base[cls]["p50"] and ours[cls]["p99"] < base[cls]["p99"]
        rows.append((f"faster than baseline: {cls} (p50 and p99, PostGIS)",
                     f"{fmt(ours[cls]['p50'])} vs {fmt(base[cls]['p50'])} · {fmt(ours[cls]['p99'])} vs {fmt(base[cls]['p99'])} ms", ok))
    return rows


def jsonable(value):
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


# ---------------------------------------------------------------- main


def main() -> None:
    from tests.support.pgcluster import PgCluster

    OUT.mkdir(parents=True, exist_ok=True)
    bench_started = time.perf_counter()
    log(f"{N} partners, seed {SEED}; output in {OUT}")
    results: dict = {"meta": {"partners": N, "seed": SEED, "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"}}
    data_cached = (OUT / f"partners-{N}-seed{SEED}.json").exists()
    started = time.perf_counter()
    data = generate()
    if not data_cached:
        results["meta"]["generate"] = f"{time.perf_counter() - started:.1f} s"

    sqlite_path = OUT / f"store-{N}-seed{SEED}.sqlite"
    for stale in OUT.glob(f"{sqlite_path.name}*"):
        stale.unlink()
    backends = {"spatialite": Backend("spatialite", f"sqlite:///{sqlite_path}", OUT / f"index-spatialite-{N}")}
    cluster = PgCluster().start()
    try:
        backends["postgis"] = Backend("postgis", cluster.url(), OUT / f"index-postgis-{N}")
        for backend in backends.values():
            backend.load(data)
        # The baseline works on its own copy of the loaded store, so its extra columns and indexes never touch ours.
        with baseline.connect(cluster.url("postgres")) as admin:
            admin.execute("CREATE DATABASE baseline TEMPLATE locator")
        for backend in backends.values():
            backend.reindex()

        with sqlite3.connect(sqlite_path) as conn:
            results["meta"]["offices"] = conn.execute("SELECT count(*) FROM office").fetchone()[0]
        terms = pick_terms(sample_texts(sqlite_path), SEED)
        results["meta"]["terms"] = ", ".join(f"{k} `{t}`" for k, t in terms.texts()) + f" — df {terms.df}"
        queries = build_queries(terms, SEED, PER_CLASS) + query_classes.build(SEED, PER_CLASS)
        (OUT / "queries.txt").write_text("\n".join(f"{q.cls}\t{q.url}" for q in queries) + "\n")
        log(f"{len(queries)} queries ({PER_CLASS} per class); terms: {results['meta']['terms']}")

        results["backends"] = {}
        for name, backend in backends.items():
            note_load(f"in-process {name}")
            log(f"{name}: in-process Locator.search, {PASSES} passes")
            inproc = measure_locator(backend, queries)
            inproc["stats"] = by_class(inproc["times"], queries)
            inproc["cpu_stats"] = by_class(inproc["cpu"], queries)
            log(f"{name}: cold first search {inproc['cold_first_search_ms']:.0f} ms; overall "
                f"p50 {inproc['stats']['overall']['p50']:.2f} ms, p99 {inproc['stats']['overall']['p99']:.2f} ms")
            results["backends"][name] = {"timings": backend.timings, "inproc": inproc}
        ours_pg = results["backends"]["postgis"]["inproc"]["outcomes"]
        results["query_errors"] = [f"{q.url} → {o['error']}" for q, o in zip(queries, ours_pg) if "error" in o]

        log("baseline: preparing (tsvector, jsonb, indexes, ANALYZE)")
        with baseline.connect(cluster.url("baseline")) as conn:
            started = time.perf_counter()
            baseline.prepare(conn)
            setup_s = time.perf_counter() - started
        locations = [o.get("location") for o in ours_pg]
        note_load("baseline")
        log(f"baseline: {BASELINE_PASSES} passes")
        base = measure_baseline(cluster.url("baseline"), queries, locations)
        base["stats"] = by_class(base["times"], queries)
        base["setup_s"] = setup_s
        results["baseline"] = base
        results["agreement"] = agreement(ours_pg, base["outcomes"], queries)

        for name, backend in backends.items():
            note_load(f"HTTP {name}")
            log(f"{name}: HTTP, gunicorn -c gunicorn.conf.py (2 gthread workers) + wrk {HTTP_SECONDS} s")
            results["backends"][name]["http"] = measure_http(backend, queries)
            h = results["backends"][name]["http"]
            log(f"{name}: {h['rps']:.0f} req/s, p99 {h['p99_us'] / 1000:.1f} ms, RSS {h['rss_mb']} MB, "
                f"non-2xx {h['errors_status']}, warm-up failures {h['warm_up_failure_count']}")

        note_load("memory")
        log("spatialite: PSS with 1, 2 and 4 gunicorn workers (after each served the query mix)")
        results["memory"] = memory.pss_by_workers(backends["spatialite"].env, [q.url for q in queries], OUT)
        log(f"memory: total PSS {[results['memory'][n]['total_pss'] for n in (1, 2, 4)]} MB; each added worker "
            f"{results['memory']['per_added_worker_pss']} MB")
        note_load("fresh node")
        log("postgis: a fresh node (gunicorn, 2 workers, empty index directory) until ready and a search is served")
        results["fresh_node"] = memory.fresh_node(backends["postgis"].env, OUT / "index-fresh-node", OUT / "gunicorn-fresh.log",
                                                  queries[0].url)
        log(f"fresh node: {results['fresh_node']}")
    finally:
        cluster.stop()

    import absorb

    note_load("absorb")
    log("searches while another process imports 10,000 partners into a 3,000-partner SpatiaLite store")
    results["absorb"] = absorb.run(3000, 10000, OUT / "absorb")
    a = results["absorb"]
    log(f"absorb: p99 quiet {a['quiet']['p99_ms']} ms, while absorbing {a['absorbing']['p99_ms']} ms "
        f"(ratio {a['p99_ratio']}), absorbed in {a['absorb_s']} s")

    results["meta"]["load_average"] = LOADS
    results["targets"] = targets(results)
    text = report(results, queries)
    (OUT / "results.md").write_text(text)
    slim = {k: v for k, v in results.items() if k != "baseline"} | {"baseline": {k: v for k, v in results["baseline"].items() if k != "outcomes"}}
    for b in slim["backends"].values():
        b["inproc"] = {k: v for k, v in b["inproc"].items() if k != "outcomes"}
    (OUT / "results.json").write_text(json.dumps(jsonable(slim), indent=1, default=str))
    print()
    print(text)
    a = results["absorb"]
    print(f"Upkeep off the request path (bench/absorb.py, 3,000 partners + a 10,000-partner import): p50/p99 "
          f"quiet {a['quiet']['p50_ms']} / {a['quiet']['p99_ms']} ms, while absorbing {a['absorbing']['p50_ms']} / "
          f"{a['absorbing']['p99_ms']} ms, p99 ratio {a['p99_ratio']}, absorbed in {a['absorb_s']} s")
    log(f"done in {(time.perf_counter() - bench_started) / 60:.1f} min; table in {OUT / 'results.md'}")


if __name__ == "__main__":
    main()
