"""Soak: a steady rate of mixed traffic against gunicorn (2 workers) on a throwaway PostGIS cluster.

    .venv/bin/python bench/soak.py [--seconds 60] [--rate 50] [--write-rate 1] [--partners 20000 | --data PATH | --cached-100k]

Searches (the bench's query mix), profile views (`/partners/<slug>`, `/api/v1/partners/<slug>`) and writes, on
a fixed schedule (open loop: a request is sent at its time whether or not earlier ones have answered). A write is
an admin's direct profile edit through HTTP, as the product does one: an admin signed in by an emailed link (a
local SMTP server), the edit page fetched and its form posted back with a new word in the description. That goes
through revisions.admin_edit, the audit trail and the store's change log inside a gunicorn worker, and reaches
both workers' read models as a delta (no rebuild), which is what a soak should keep exercising. After each write
a probe searches for the new word until it is found: the write-to-searchable lag.

Prints requests by kind and status, errors (non-2xx, connection errors; 429s apart), p50/p99 by kind, the lag,
the server's own handling time by kind (from its JSON request log: the difference is waiting for a thread or the
GIL), PSS/RSS of the master and each worker at the start and the end, tracebacks in the server log; writes the
same as JSON to --out (bench/out/soak.json). `--write-rate 0,1` runs a read-only phase, then one with writes, on
the same server: what the writes cost the reads.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT)]

import http_load  # noqa: E402
from memory import smaps  # noqa: E402
import query_classes  # noqa: E402
from queries import build_queries, pick_terms  # noqa: E402

VENV_BIN = Path(sys.executable).parent
CACHED_100K = HERE / "out" / "partners-100000-seed1.json"
ADMIN = "soak-admin@example.com"
# Every per-client limit raised: the whole load comes from one address.
LIMITS = (*http_load.BENCH_LIMITS, "LOCATOR_RATELIMIT_SIGN_IN", "LOCATOR_RATELIMIT_FORMS", "LOCATOR_RATELIMIT_LEADS")
KINDS = ("search", "profile_page", "profile_api", "edit_form", "write")


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


def locator_cli(env: dict[str, str], *args: str) -> float:
    started = time.perf_counter()
    result = subprocess.run([str(VENV_BIN / "locator"), *args], cwd=ROOT, env=dict(os.environ, **env),
                            capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"locator {' '.join(args)} failed ({result.returncode}):\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


# ---------------------------------------------------------------- HTTP


@dataclass
class Answer:
    status: int  # 0: no answer (connection refused, reset, timeout)
    body: bytes
    headers: dict[str, str]
    seconds: float


def request(base: str, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
            timeout: float = 30) -> Answer:
    """One request on a new connection (each is a client of its own)."""
    parts = urlsplit(base)
    started = time.perf_counter()
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return Answer(response.status, data, {k.lower(): v for k, v in response.getheaders()}
                      | {"set-cookie": "\n".join(response.headers.get_all("Set-Cookie") or [])},
                      time.perf_counter() - started)
    except (OSError, http.client.HTTPException) as exc:
        return Answer(0, str(exc).encode(), {}, time.perf_counter() - started)
    finally:
        conn.close()


class Session:
    """A browser's cookies (name=value only; the soak talks plain HTTP to loopback)."""

    def __init__(self, base: str):
        self.base, self.cookies = base, {}
        self.lock = threading.Lock()

    def send(self, method: str, path: str, form: list[tuple[str, str]] | None = None) -> Answer:
        headers = {}
        with self.lock:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        answer = request(self.base, method, path, body, headers)
        for line in filter(None, answer.headers.get("set-cookie", "").split("\n")):
            name, _, value = line.split(";", 1)[0].partition("=")
            with self.lock:
                self.cookies[name.strip()] = value.strip()
        return answer


class FormFields(HTMLParser):
    """What a browser submits for the form with id `form_id`: inputs (checked boxes only, no files or
    buttons), selects (their selected options) and textareas, in document order."""

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id, self.inside, self.fields = form_id, False, []
        self._select: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("id") == self.form_id
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("file", "submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            self.fields.append((name, a.get("value") or ("on" if kind in ("checkbox", "radio") else "")))
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_of(html: str, form_id: str) -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    return parser.fields


CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
LINK_RE = re.compile(r"https?://[^\s<>\"]+/sign-in/[A-Za-z0-9_\-]+")


def sign_in(session: Session, smtp, email: str) -> None:
    """The real flow: the sign-in form, the emailed link, its confirmation page and button."""
    from tests.support.smtp import link_in

    page = session.send("GET", "/sign-in")
    token = CSRF_RE.search(page.body.decode())
    answer = session.send("POST", "/sign-in", [("email", email), ("csrf_token", token.group(1) if token else "")])
    if answer.status != 200:
        raise SystemExit(f"sign-in form: {answer.status} {answer.body[:300]!r}")
    path = urlsplit(link_in(smtp.wait_for(email, count=1)[-1])).path
    confirm = session.send("GET", path)
    token = CSRF_RE.search(confirm.body.decode())
    done = session.send("POST", path, [("csrf_token", token.group(1) if token else "")])
    if done.status != 303:
        raise SystemExit(f"sign-in link: {done.status} {done.body[:300]!r}")


# ---------------------------------------------------------------- the run


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    error_samples: list[str] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)
    lag_missed: int = 0
    probes: int = 0
    late: list[float] = field(default_factory=list)  # how late each request was sent against its schedule
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, answer: Answer, ok: tuple[int, ...] = ()) -> None:
        with self.lock:
            self.latencies[kind].append(answer.seconds)
            self.statuses[kind][answer.status] += 1
            good = 200 <= answer.status < 300 or answer.status in ok or answer.status == 429
            if not good and len(self.error_samples) < 20:
                self.error_samples.append(f"{kind} {answer.status}: {answer.body[:200]!r}")


def marker(rng: random.Random) -> str:
    """A word no partner has (letters only, so every analyzer keeps it whole)."""
    return "soak" + "".join(rng.choice(string.ascii_lowercase) for _ in range(10))


class Writer:
    """Admin edits: one partner after another, each description given a new word; then the lag probe."""

    def __init__(self, session: Session, slugs: list[str], tally: Tally, seed: int, probe_timeout: float = 30):
        self.session, self.slugs, self.tally = session, slugs, tally
        self.rng, self.lock, self.next = random.Random(seed), threading.Lock(), 0
        self.probe_timeout = probe_timeout

    def write(self) -> None:
        with self.lock:
            slug = self.slugs[self.next % len(self.slugs)]
            self.next += 1
            word = marker(self.rng)
        page = self.session.send("GET", f"/admin/partners/{quote(slug)}/edit")
        self.tally.add("edit_form", page)
        if page.status != 200:
            return
        fields = form_of(page.body.decode(), "profile-form")
        out, seen = [], False
        for name, value in fields:
            if name == "description" and not seen:
                value, seen = (f"{word} {value}"[:max(len(value), len(word))]), True
            out.append((name, value))
        if not seen:
            out.append(("description", word))
        answer = self.session.send("POST", f"/admin/partners/{quote(slug)}/edit", out)
        self.tally.add("write", answer, ok=(303,))
        if answer.status == 303:
            self.probe(word)

    def probe(self, word: str) -> None:
        """Search for the new word until it is found: seconds from the edit's answer to searchable."""
        started = time.perf_counter()
        while time.perf_counter() - started < self.probe_timeout:
            answer = request(self.session.base, "GET", f"/api/v1/search?q={word}&per_page=1")
            with self.tally.lock:
                self.tally.probes += 1
            if answer.status == 200 and json.loads(answer.body).get("total", 0) >= 1:
                with self.tally.lock:
                    self.tally.lags.append(time.perf_counter() - started)
                return
            time.sleep(0.05)
        with self.tally.lock:
            self.tally.lag_missed += 1


def schedule(rate: float, seconds: float, write_rate: float, seed: int) -> list[tuple[float, str]]:
    """(offset in seconds, kind) for every request: writes evenly at write_rate; of the rest 70 % searches,
    15 % profile pages, 15 % profile API."""
    rng = random.Random(seed)
    total = int(rate * seconds)
    every = max(1, round(rate / write_rate)) if write_rate > 0 else 0
    plan = []
    for i in range(total):
        if every and i % every == every // 2:
            kind = "write"
        else:
            kind = rng.choices(("search", "profile_page", "profile_api"), weights=(70, 15, 15))[0]
        plan.append((i / rate, kind))
    return plan


def run(base: str, plan: list[tuple[float, str]], paths: list[str], slugs: list[str], writer: Writer,
        tally: Tally, seed: int, threads: int) -> float:
    rng = random.Random(seed + 1)

    def one(kind: str, path: str) -> None:
        if kind == "write":
            writer.write()
        else:
            tally.add(kind, request(base, "GET", path))

    with ThreadPoolExecutor(threads) as pool:
        t0 = time.perf_counter()
        for offset, kind in plan:
            wait = t0 + offset - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            tally.late.append(max(0.0, -wait))
            if kind == "search":
                path = rng.choice(paths)
            elif kind == "profile_page":
                path = f"/partners/{quote(rng.choice(slugs))}"
            elif kind == "profile_api":
                path = f"/api/v1/partners/{quote(rng.choice(slugs))}"
            else:
                path = ""
            pool.submit(one, kind, path)
        sent = time.perf_counter() - t0
    return sent


def memory(proc) -> dict:
    out = {"master": smaps(proc.pid)}
    for n, pid in enumerate(http_load.worker_pids(proc.pid), 1):
        out[f"worker {n} (pid {pid})"] = smaps(pid)
    return out


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def metric(text: str, name: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


# ---------------------------------------------------------------- setup


def store_samples(url: str, slugs_wanted: int, seed: int) -> tuple[list[str], list[str]]:
    """Published partners' slugs (a random sample) and name + description texts (for the bench's terms)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as conn:
        slugs = [r[0] for r in conn.execute(text("SELECT slug FROM partner WHERE published ORDER BY id"))]
        total = len(slugs)
        step = max(1, total // 5000)
        texts = [f"{n} {d or ''}" for n, d in conn.execute(
            text("SELECT name, description FROM partner WHERE id % :k = 0"), {"k": step})]
    engine.dispose()
    rng = random.Random(seed)
    return rng.sample(slugs, min(slugs_wanted, len(slugs))), texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="length of the run (default 60)")
    parser.add_argument("--rate", type=float, default=50, help="requests per second, all kinds (default 50)")
    parser.add_argument("--write-rate", type=lambda v: [float(x) for x in v.split(",")], default=[1.0],
                        help="admin edits per second, within --rate (default 1); a list (0,1) runs one phase each, "
                             "one after the other on the same server")
    parser.add_argument("--partners", type=int, default=20000, help="partners to generate (default 20000)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, help="import this partner file instead of generating one")
    parser.add_argument("--cached-100k", action="store_true", help=f"use {CACHED_100K.relative_to(ROOT)} (make bench's)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=64, help="load generator threads (default 64)")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "soak.json")
    args = parser.parse_args()
    data = CACHED_100K if args.cached_100k else args.data
    if data is not None and not data.exists():
        raise SystemExit(f"{data} does not exist (make bench generates the 100k file)")

    from tests.support.pgcluster import PgCluster
    from tests.support.smtp import LocalSmtpServer

    scratch = Path(tempfile.mkdtemp(prefix="locator-soak-"))
    cluster = PgCluster().start()
    smtp = LocalSmtpServer().start()
    try:
        env = {"LOCATOR_DATABASE_URL": cluster.url(), "LOCATOR_INDEX_DIR": str(scratch / "index"),
               "LOCATOR_INSTANCE_DIR": str(scratch / "instance"), "LOCATOR_SMTP_URL": smtp.url}
        if data is None:
            data = scratch / f"partners-{args.partners}-seed{args.seed}.json"
            seconds = locator_cli(env, "generate", "--partners", str(args.partners), "--seed", str(args.seed), "--out", str(data))
            log(f"generated {args.partners} partners in {seconds:.1f} s")
        log(f"PostGIS {cluster.url()}; data {data}")
        locator_cli(env, "init-db")
        log(f"imported in {locator_cli(env, 'import', str(data)):.1f} s")
        log(f"reindexed in {locator_cli(env, 'reindex'):.1f} s")
        locator_cli(env, "user", "create", "--email", ADMIN, "--role", "admin")
        slugs, texts = store_samples(cluster.url(), 5000, args.seed)
        queries = build_queries(pick_terms(texts, args.seed), args.seed, 40) + query_classes.build(args.seed, 40)
        paths = [q.url for q in queries]
        log(f"{len(paths)} search URLs (the bench's classes), {len(slugs)} published partners to view and edit")

        server_env = dict(env, **{name: "1000000/minute" for name in LIMITS})
        server_log = scratch / "gunicorn.log"
        with http_load.gunicorn(server_env, server_log, workers=args.workers) as (base, proc):
            failures = http_load.warm_up(base, paths + [f"/api/v1/partners/{quote(s)}" for s in slugs[:50]], args.workers)
            if failures:
                log(f"warm-up: {len(failures)} failures, e.g. {failures[0]}")
            session = Session(base)
            sign_in(session, smtp, ADMIN)
            writer = Writer(session, slugs[::-1], Tally(), args.seed)
            phases = []
            for n, write_rate in enumerate(args.write_rate):
                metrics_before = request(base, "GET", "/metrics").body.decode()
                mem_start, load_start = memory(proc), os.getloadavg()[0]
                tally = writer.tally = Tally()
                plan = schedule(args.rate, args.seconds, write_rate, args.seed + n)
                log(f"soak: {len(plan)} requests over {args.seconds:.0f} s at {args.rate:g}/s "
                    f"({sum(k == 'write' for _, k in plan)} admin edits)")
                started, wall = time.perf_counter(), time.time()
                sent = run(base, plan, paths, slugs, writer, tally, args.seed + n, args.threads)
                elapsed = time.perf_counter() - started
                mem_end = memory(proc)
                metrics_after = request(base, "GET", "/metrics").body.decode()
                ready = request(base, "GET", "/readyz")
                phases.append(dict(write_rate=write_rate, tally=tally, sent=sent, elapsed=elapsed, window=(wall, time.time()),
                                   mem_start=mem_start, mem_end=mem_end, metrics_before=metrics_before,
                                   metrics_after=metrics_after, ready=ready, load=(load_start, os.getloadavg()[0])))
        server_text = server_log.read_text(errors="replace")
        results = []
        for phase in phases:
            phase["server"] = server_side(server_text, *phase.pop("window"))
            results.append(report(args, data, **phase))
        print(f"\nserver tracebacks in the whole run: {server_text.count('Traceback')}")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps({"args": vars(args), "data": str(data), "phases": results,
                                        "tracebacks": server_text.count("Traceback")}, indent=2, default=str) + "\n")
        log(f"written {args.out}; server log {server_log}")
    finally:
        smtp.stop()
        cluster.stop()
        for path in scratch.iterdir():  # the server log stays
            if path.name != "gunicorn.log":
                shutil.rmtree(path) if path.is_dir() else path.unlink()


ROUTES = {("GET", "/api/v1/search"): "search", ("GET", "/partners/<slug>"): "profile_page",
          ("GET", "/api/v1/partners/<slug>"): "profile_api", ("GET", "/admin/partners/<slug>/edit"): "edit_form",
          ("POST", "/admin/partners/<slug>/edit"): "write"}


def server_side(log_text: str, start: float, end: float) -> dict[str, list[float]]:
    """Handling time (ms) by kind from the server's JSON request log, for requests logged in [start, end]: the
    client's latency minus this is waiting (accept queue, threads, the GIL)."""
    from datetime import datetime

    out: dict[str, list[float]] = defaultdict(list)
    for line in log_text.splitlines():
        if not line.startswith("{") or '"event":"request"' not in line:
            continue
        entry = json.loads(line)
        kind = ROUTES.get((entry.get("method"), entry.get("route")))
        if kind and start <= datetime.fromisoformat(entry["ts"]).timestamp() <= end:
            out[kind].append(entry["duration_ms"])
    return out


def report(args, data, tally: Tally, sent: float, elapsed: float, mem_start: dict, mem_end: dict,
           metrics_before: str, metrics_after: str, ready: Answer, write_rate: float, load: tuple[float, float],
           server: dict[str, list[float]]) -> dict:
    total = sum(sum(c.values()) for c in tally.statuses.values())
    errors = sum(n for c in tally.statuses.values() for s, n in c.items()
                 if not (200 <= s < 300 or s in (303, 429)))
    limited = sum(c[429] for c in tally.statuses.values())
    print()
    print(f"## Soak: {args.seconds:.0f} s at {args.rate:g} requests/s ({write_rate:g} admin edits/s), "
          f"gunicorn {args.workers} workers, PostGIS, {data.name}")
    print(f"1-minute load average (2 cores shared with other work): {load[0]:.1f} at the start, {load[1]:.1f} at the end")
    print(f"requests answered {total} (+ {tally.probes} lag probes) in {elapsed:.1f} s; schedule kept: "
          f"p99 send lateness {pct(tally.late, 99) * 1000:.1f} ms, max {max(tally.late, default=0) * 1000:.1f} ms")
    print(f"errors (non-2xx, no answer; a write's 303 is its success): {errors} ({errors / max(1, total):.2%}); "
          f"429: {limited}")
    print()
    print("| kind | requests | statuses | p50 ms | p99 ms | max ms | server p50 / p99 ms (handling only) |")
    print("|---|---|---|---|---|---|---|")
    by_kind = {}
    for kind in KINDS:
        lat = tally.latencies.get(kind, [])
        statuses = dict(sorted(tally.statuses.get(kind, {}).items()))
        handled = server.get(kind, [])
        by_kind[kind] = {"requests": len(lat), "statuses": statuses, "p50_ms": pct(lat, 50) * 1000,
                         "p99_ms": pct(lat, 99) * 1000, "max_ms": max(lat, default=float("nan")) * 1000,
                         "server_p50_ms": pct(handled, 50), "server_p99_ms": pct(handled, 99)}
        row = by_kind[kind]
        if not row["requests"]:
            continue
        print(f"| {kind} | {row['requests']} | {' '.join(f'{s}×{n}' for s, n in statuses.items())} | "
              f"{row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['max_ms']:.1f} | "
              f"{row['server_p50_ms']:.1f} / {row['server_p99_ms']:.1f} |")
    print()
    if tally.lags or tally.lag_missed:
        print(f"write → searchable (an admin edit's 303 until /api/v1/search?q=<its new word> finds it): "
              f"n={len(tally.lags)}, p50 {pct(tally.lags, 50) * 1000:.0f} ms, p99 {pct(tally.lags, 99) * 1000:.0f} ms, "
              f"max {max(tally.lags, default=float('nan')) * 1000:.0f} ms; not found within 30 s: {tally.lag_missed}")
    print()
    print("| process | RSS start → end MB | PSS start → end MB | private start → end MB |")
    print("|---|---|---|---|")
    for name in dict.fromkeys([*mem_start, *mem_end]):
        a, b = mem_start.get(name, {}), mem_end.get(name, {})
        print(f"| {name} | {a.get('rss', '-')} → {b.get('rss', '-')} | {a.get('pss', '-')} → {b.get('pss', '-')} | "
              f"{a.get('private', '-')} → {b.get('private', '-')} |")
    dropped = metric(metrics_after, "locator_insights_dropped_total") - metric(metrics_before, "locator_insights_dropped_total")
    lag = metric(metrics_after, "locator_read_model_change_lag")
    print()
    print(f"at the end: /readyz {ready.status}; read model change lag (answering worker) {lag:g}; "
          f"insights events dropped during the run {dropped:g}")
    for sample in tally.error_samples[:5]:
        print(f"  error: {sample}")
    return {"write_rate": write_rate, "load": load, "requests": total, "errors": errors, "rate_limited": limited,
            "elapsed_s": elapsed, "send_lateness_p99_ms": pct(tally.late, 99) * 1000, "by_kind": by_kind,
            "lag_ms": {"n": len(tally.lags), "p50": pct(tally.lags, 50) * 1000, "p99": pct(tally.lags, 99) * 1000,
                       "max": max(tally.lags, default=None), "missed": tally.lag_missed},
            "memory": {"start": mem_start, "end": mem_end}, "readyz": ready.status,
            "insights_dropped": dropped, "error_samples": tally.error_samples}


if __name__ == "__main__":
    main()
