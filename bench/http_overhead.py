"""In-process CPU per API search request at 100k (the store, index and queries `make bench` cached in bench/out,
SpatiaLite) through Flask's test client, split into Locator.search and everything around it (parsing, display,
JSON, ETag, limits, logs, metrics, headers). 3 passes, the best kept. A script, not a test:
`python bench/http_overhead.py` (stderr carries the request log; redirect it)."""
import os, sys, time
from pathlib import Path
from urllib.parse import urlsplit, parse_qsl

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
OUT = Path(__file__).resolve().parent / "out"
os.environ.update({"LOCATOR_DATABASE_URL": f"sqlite:///{OUT}/store-100000-seed1.sqlite",
                   "LOCATOR_INDEX_DIR": str(OUT / "index-spatialite-100000")})
for name in ("SEARCH", "SUGGEST", "GEOCODE"):  # one client sends everything: no 429s
    os.environ[f"LOCATOR_RATELIMIT_{name}"] = "1000000/second"
from werkzeug.datastructures import MultiDict
from locator import create_app
from locator.search.params import OUTPUT_PARAMETERS
from locator.search.query import SearchQuery

app = create_app()
client = app.test_client()
paths = [line.split("\t")[1] for line in (OUT / "queries.txt").read_text().splitlines()]
with app.test_request_context():
    queries = [SearchQuery.from_params(MultiDict(parse_qsl(urlsplit(p).query)), app.config["LOCATOR"], audience="public",
                                       strict=True, allowed_extra=OUTPUT_PARAMETERS) for p in paths]
locator = app.extensions["locator"].locator
for p in paths:
    assert client.get(p).status_code == 200, p


def per_item_ms(run) -> float:
    best = None
    for _ in range(3):
        start = time.process_time()
        run()
        took = 1000 * (time.process_time() - start) / len(paths)
        best = took if best is None else min(best, took)
    return best


request_ms = per_item_ms(lambda: [client.get(p) for p in paths])
search_ms = per_item_ms(lambda: [locator.search(q) for q in queries])
load = os.getloadavg()[0]
print(f"{len(paths)} queries: request {request_ms:.2f} ms CPU, of which Locator.search {search_ms:.2f}, "
      f"around it {request_ms - search_ms:.2f} (load average {load:.1f})")
