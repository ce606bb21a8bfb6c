#!/bin/sh
# Install the npm packages (package-lock.json, `npm ci`) and copy the browser assets the pages serve
# into locator/web/static/vendor/ (git-ignored). axe-core stays in node_modules: only the tests use it.
# Install scripts are not run (none of these packages needs one; swagger-ui-dist's dependency @scarf/scarf
# would otherwise report the install to a third party).
set -eu
cd "$(dirname "$0")/.."
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    SCARF_ANALYTICS=false npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
fi
dest=locator/web/static/vendor
rm -rf "$dest"
mkdir -p "$dest/leaflet/images" "$dest/leaflet.markercluster"
cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css "$dest/leaflet/"
cp node_modules/leaflet/dist/images/*.png "$dest/leaflet/images/"
cp node_modules/leaflet/LICENSE "$dest/leaflet/LICENSE"
cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
   node_modules/leaflet.markercluster/dist/MarkerCluster.css \
   node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css "$dest/leaflet.markercluster/"
cp node_modules/leaflet.markercluster/MIT-LICENCE.txt "$dest/leaflet.markercluster/LICENSE" 2>/dev/null || true
# Swagger UI for /api/docs (templates/api/docs.html starts it from static/api-docs.js: no inline script).
mkdir -p "$dest/swagger-ui"
cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css \
   node_modules/swagger-ui-dist/LICENSE node_modules/swagger-ui-dist/NOTICE "$dest/swagger-ui/"
echo "vendored browser assets into $dest"
