"""A throwaway PostgreSQL + PostGIS cluster in a temporary directory, on a spare loopback port."""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


class ClusterUnavailable(RuntimeError):
    pass


def _pg_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise ClusterUnavailable("PostgreSQL is not installed; fix: apt-get install postgresql-15-postgis-3")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgCluster:
    def __init__(self) -> None:
        self.bin = _pg_bin()
        self.port = _free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="locator-pg-"))
        self.data = self.dir / "data"
        self.as_root = os.geteuid() == 0
        self.user = "postgres" if self.as_root else pwd.getpwuid(os.geteuid()).pw_name

    def _run(self, *args: str) -> None:
        cmd = [str(a) for a in args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        result = subprocess.run(cmd, capture_output=True, text=True)
        if result.returncode:
            raise ClusterUnavailable(f"{' '.join(cmd)} failed: {result.stderr.strip()[-500:]}")

    def start(self) -> "PgCluster":
        if not list(Path("/usr/share/postgresql").glob("*/extension/postgis.control")):
            raise ClusterUnavailable("PostGIS is not installed; fix: apt-get install postgresql-15-postgis-3")
        if self.as_root:
            shutil.chown(self.dir, "postgres")
        self._run(self.bin / "initdb", "-D", self.data, "-U", self.user, "--auth=trust", "-E", "UTF8", "--no-sync")
        self.resume()
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, "locator")
        return self

    def url(self, database: str = "locator") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def createdb(self, name: str) -> str:
        self._run(self.bin / "createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name)
        return self.url(name)

    def halt(self) -> None:
        """Stop the server but keep its data (a store outage); resume() starts it again."""
        self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")

    def resume(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(self.bin / "pg_ctl", "-D", self.data, "-o", options, "-l", self.dir / "log", "-w", "start")

    def stop(self) -> None:
        try:
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "stop")
        except ClusterUnavailable:
            pass
        shutil.rmtree(self.dir, ignore_errors=True)
