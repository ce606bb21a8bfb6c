"""The most expensive requests a client can send, timed end to end (a script, not a test).

`python bench/expensive.py STORE_URL INDEX_DIR` on a loaded store, e.g. the benchmark's 100,000 partners:

    export LOCATOR_DATABASE_URL=sqlite:////tmp/exp/store.sqlite LOCATOR_INDEX_DIR=/tmp/exp/index
    locator init-db && locator import bench/out/partners-100000-seed1.json && locator reindex
    python bench/expensive.py $LOCATOR_DATABASE_URL $LOCATOR_INDEX_DIR

sends each request below REPEAT times through the whole Flask app (parsing, search, facets, rendering), as the
public and as a seller, and prints p50 / p99 / max in ms and the response size. The README's "Limits" quotes it.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from locator import create_app  # noqa: E402
from locator.auth import create_token  # noqa: E402

REPEAT = int(os.environ.get("EXPENSIVE_REPEAT", "20"))
WORST = "facets=all&per_page=100&include_remote=true&explain=1"
REQUESTS = {
    "everything, world radius (lat/lon, 20,000 km)": f"/api/v1/search?lat=50&lon=10&radius_km=20000&{WORST}",
    "continent-wide remote-inclusive, sort=distance": f"/api/v1/search?lat=50&lon=10&radius_km=4000&sort=distance&{WORST}",
    "area search of a country": f"/api/v1/search?near=Germany&{WORST}",
    "common fuzzy words, world radius": f"/api/v1/search?q=cloud+kubernets+migration+training&lat=50&lon=10&radius_km=20000&{WORST}",
    "last page of everything, sort=name": f"/api/v1/search?lat=50&lon=10&radius_km=20000&sort=name&page=1000&{WORST}",
    "GeoJSON, one Feature per office": f"/api/v1/search?lat=50&lon=10&radius_km=20000&format=geojson&geojson_features=offices&{WORST}",
    "every filter at its most values": "/api/v1/search?lat=50&lon=10&radius_km=20000&" + "&".join(
        f"language={c}" for c in ("en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da", "fi", "no", "cs", "hu",
                                   "ro", "ja", "zh", "ko", "ru", "tr")) + f"&{WORST}",
    "search page (HTML), world radius": "/?lat=50&lon=10&radius_km=20000&per_page=100",
}


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    store, index_dir = sys.argv[1], sys.argv[2]
    app = create_app({"database_url": store, "index_dir": index_dir, "testing": True,
                      "secret_key": "bench", "index_poll_s": 3600.0,
                      **{f"ratelimit_{name}": "" for name in ("search", "suggest", "geocode")}})
    model = app.extensions["locator"].locator.keeper.refresh()
    print(f"read model: {model.size} partners ({store}, {index_dir})")
    with app.extensions["locator"].db.session() as session:
        seller = {"Authorization": f"Bearer {create_token(session, 'Bench seller', 'seller')}"}
    client = app.test_client()
    print(f"{'request':55} {'who':7} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8} {'bytes':>10}")
    for label, url in REQUESTS.items():
        for who, headers in (("public", {}), ("seller", seller)):
            if url.startswith("/?") and who == "seller":
                continue
            client.get(url, headers=headers)  # warm
            times, size = [], 0
            for _ in range(REPEAT):
                started = time.perf_counter()
                response = client.get(url, headers=headers)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code, response.get_data()[:300])
                size = len(response.get_data())
            times.sort()
            p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
            print(f"{label:55} {who:7} {statistics.median(times):8.1f} {p99:8.1f} {times[-1]:8.1f} {size:10,}")
    with app.extensions["locator"].db.session() as session:  # the bench token goes again
        from locator.models import SellerToken
        session.query(SellerToken).filter(SellerToken.name == "Bench seller").delete()
    app.extensions["locator"].close()


if __name__ == "__main__":
    main()
