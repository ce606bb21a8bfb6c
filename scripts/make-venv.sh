#!/usr/bin/env bash
# Builds the virtual environment with a Python whose sqlite3 can load SpatiaLite.
set -euo pipefail
venv=${1:-.venv}
can_load() { "$1" -c 'import sqlite3, sys; sys.exit(0 if hasattr(sqlite3.Connection, "enable_load_extension") else 1)' 2>/dev/null; }
python=""
for candidate in ${LOCATOR_PYTHON:-} /usr/bin/python3 python3; do
  if command -v "$candidate" >/dev/null && can_load "$candidate"; then python=$candidate; break; fi
done
extra=()
if [ -z "$python" ]; then
  python=$(command -v python3)
  extra=(pysqlite3-binary)
  echo "note: $python cannot load SQLite extensions; installing pysqlite3-binary into the venv" >&2
fi
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv" || { echo "error: cannot create a venv with $python; fix: apt-get install python3-venv" >&2; exit 1; }
fi
"$venv/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
"$venv/bin/python" -m pip install -q --disable-pip-version-check -e '.[test]' "${extra[@]}"
