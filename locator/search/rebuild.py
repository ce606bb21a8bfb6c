"""A full index build in a child process, so a serving process keeps its core (and its GIL) for
searches while a big change is absorbed: `python -m locator.search.rebuild` builds (and publishes, with
index_publish) and prints the path."""
from __future__ import annotations

import errno as errnos
import os
import subprocess
import sys
import time
from pathlib import Path

from locator import metrics
from locator.config import Config


class BuildFailed(RuntimeError):
    """The child's build failed; `errno` is set when it was an OSError (ENOSPC: a full disk)."""

    def __init__(self, message: str, errno: int | None = None):
        super().__init__(message)
        self.errno = errno


def build_in_child(config: Config, timeout_s: float = 3600) -> Path:
    env = dict(os.environ, LOCATOR_DATABASE_URL=config.database_url, LOCATOR_INDEX_DIR=str(config.index_dir),
               LOCATOR_SPATIALITE_LIBRARY=config.spatialite_library,
               LOCATOR_INDEX_PUBLISH="true" if config.index_publish else "false",
               LOCATOR_SECRET_KEY=config.secret_key)  # (signs the published build)
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "locator.search.rebuild"], env=env, capture_output=True,
                            text=True, timeout=timeout_s)
    if not result.returncode:
        metrics.INDEX_BUILDS.observe(time.perf_counter() - started)
    if result.returncode:
        lines = [line for line in result.stderr.strip().splitlines() if line.strip()]
        message = lines[-1] if lines else f"the index build exited with status {result.returncode}"
        code = result.returncode - 100 if result.returncode > 100 else None
        raise BuildFailed(message.removeprefix("error: "), errno=code)
    return Path(result.stdout.strip().splitlines()[-1])


def main() -> int:
    from locator.db import Database
    from locator.search import index

    config = Config.from_env()
    db = Database(config.database_url, config.spatialite_library)
    try:
        report = index.build(db, config.index_dir)
        if config.index_publish:  # for other nodes (a failure only logs: the build is this node's)
            from locator.search.published import publish_or_log

            publish_or_log(db, report.path, report.partners, config.secret_key)
    except OSError as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 100 + (exc.errno or errnos.EIO) if (exc.errno or 0) < 150 else 1
    except Exception as exc:  # reported to the parent in one line
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        db.engine.dispose()
    print(report.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
