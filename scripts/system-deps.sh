#!/usr/bin/env bash
# Installs the Debian packages the locator needs (when root), or prints the command to run.
set -euo pipefail
packages=(python3 python3-venv libsqlite3-mod-spatialite postgresql-15-postgis-3 chromium nodejs npm)
[ "${WITH_BENCH:-0}" = 1 ] && packages+=(wrk)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# nodejs/npm may come from elsewhere than Debian (e.g. preinstalled): accept working binaries.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ]; then
  echo "installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "missing system packages: ${missing[*]}" >&2
  echo "fix: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
