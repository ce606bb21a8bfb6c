"""HTTP load: gunicorn with 2 workers on 127.0.0.1, driven by Debian's wrk cycling through the query URLs."""
from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
BENCH_LIMITS = ("LOCATOR_RATELIMIT_SEARCH", "LOCATOR_RATELIMIT_SUGGEST", "LOCATOR_RATELIMIT_GEOCODE")

WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
offset = 0

function setup(thread)
  thread:set("offset", counter * 7919)
  counter = counter + 1
end

function init(args)
  offset = tonumber(offset) or 0
end

local i = 0
function request()
  local path = paths[((offset + i) %% #paths) + 1]
  i = i + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  io.write(string.format(
    '\\nBENCH_JSON {"requests": %%d, "duration_us": %%d, "bytes": %%d, "errors_connect": %%d, ' ..
    '"errors_read": %%d, "errors_write": %%d, "errors_status": %%d, "errors_timeout": %%d, ' ..
    '"p50_us": %%d, "p95_us": %%d, "p99_us": %%d, "max_us": %%d, "mean_us": %%f}\\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max, latency.mean))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def gunicorn(env_overrides: dict[str, str], log_path: Path, workers: int = 2, timeout_s: float = 300) -> Iterator[tuple[str, subprocess.Popen]]:
    """Start the README's production command (`gunicorn -c gunicorn.conf.py wsgi:app`, `workers` gthread workers)
    on a free loopback port with a shared secret key; yield (base URL, process); always stop it."""
    port = free_port()
    venv_bin = Path(os.environ.get("VIRTUAL_ENV", ROOT / ".venv")) / "bin"
    exe = venv_bin / "gunicorn" if (venv_bin / "gunicorn").exists() else shutil.which("gunicorn")
    env = dict(os.environ, **env_overrides)
    env.update(GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_WORKERS=str(workers),
               LOCATOR_SECRET_KEY=env.get("LOCATOR_SECRET_KEY") or secrets.token_hex(32))
    for name in BENCH_LIMITS:  # one client sends the whole load: per-client rate limits would answer 429
        env.setdefault(name, "1000000/minute")
    log = open(log_path, "w")
    proc = subprocess.Popen(
        [str(exe), "-c", "gunicorn.conf.py", "--timeout", "120", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(base, proc, timeout_s)
        yield base, proc
    finally:
        stop(proc)
        log.close()


def wait_healthy(base: str, proc: subprocess.Popen, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode} before /healthz answered")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout_s:.0f} s")


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM the gunicorn master (it stops its workers); SIGKILL its process group if it hangs."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def worker_pids(master_pid: int) -> list[int]:
    pids = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid):
            pids.append(int(status.parent.name))
    return sorted(pids)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    return float("nan")


def fetch(base: str, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(base + path, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def warm_up(base: str, paths: list[str], workers: int = 2) -> list[tuple[str, int, str]]:
    """Send every path a few times (each worker loads its read model); return failures."""
    failures = []
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(workers * 2) as pool:
        for path, (status, body) in zip(paths * 2, pool.map(lambda p: fetch(base, p), paths * 2)):
            if status != 200:
                failures.append((path, status, body[:300].decode("utf-8", "replace")))
    return failures


def run_wrk(base: str, paths: list[str], out_dir: Path, duration_s: int, connections: int, threads: int) -> dict:
    lua = out_dir / "wrk-paths.lua"
    lua.write_text(WRK_SCRIPT % {"paths": ", ".join(json.dumps(p) for p in paths)})
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration_s}s", "--timeout", "10s", "-s", str(lua), base]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=duration_s + 60)
    line = next((l for l in result.stdout.splitlines() if l.startswith("BENCH_JSON ")), None)
    if result.returncode or line is None:
        raise RuntimeError(f"wrk failed ({result.returncode}): {result.stderr.strip() or result.stdout[-500:]}")
    stats = json.loads(line[len("BENCH_JSON "):])
    stats["rps"] = stats["requests"] / (stats["duration_us"] / 1e6)
    stats["cmd"] = " ".join(cmd)
    return stats
