"""The CLI says what is wrong in one line, with the fix where there is one, and never a traceback."""
import subprocess
import sys
from pathlib import Path

import pytest


def locator(*args, env=None, tmp_path: Path):
    import os

    environment = {k: v for k, v in os.environ.items() if not k.startswith(("LOCATOR_", "SPATIALITE_"))}
    environment.update(LOCATOR_INDEX_DIR=str(tmp_path / "index"), **(env or {}))
    return subprocess.run([str(Path(sys.executable).parent / "locator"), *args], capture_output=True, text=True,
                          env=environment, cwd=tmp_path, timeout=120)


@pytest.mark.parametrize("env, expected", [
    ({"LOCATOR_SPATIALITE_LIBRARY": "/nonexistent/mod_spatialite"},
     "cannot load SpatiaLite (/nonexistent/mod_spatialite.so: cannot open shared object file: No such file or directory); fix: apt-get install libsqlite3-mod-spatialite"),
    ({"LOCATOR_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none"}, "the store failed: connection failed"),
    ({"LOCATOR_DATABASE_URL": "mysql://x/y"}, "unsupported database URL"),
])
def test_store_problems_are_one_line(tmp_path, env, expected):
    env = {"LOCATOR_DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite'}", **env}
    result = locator("init-db", env=env, tmp_path=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and expected in lines[0]
