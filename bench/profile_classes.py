"""In-process search CPU time per query class at 100k, over the store, index and queries `make bench` cached
in bench/out (SpatiaLite), 3 passes; with a class name, a pyinstrument profile of that class instead (pip install
pyinstrument). A script, not a test: `python bench/profile_classes.py [intent]`."""
import sys, time
from pathlib import Path
from urllib.parse import urlsplit, parse_qsl
import numpy as np
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from werkzeug.datastructures import MultiDict
from locator.config import Config
from locator.search.query import SearchQuery
from locator.services import Services

OUT = Path(__file__).resolve().parent / "out"
config = Config.from_env(overrides={"database_url": f"sqlite:///{OUT}/store-100000-seed1.sqlite",
                                    "index_dir": str(OUT / "index-spatialite-100000")})
svc = Services(config)
rows = [l.split("\t") for l in (OUT / "queries.txt").read_text().splitlines()]
qs = [(c, SearchQuery.from_params(MultiDict(parse_qsl(urlsplit(u).query)), config)) for c, u in rows]
loc = svc.locator
for c, q in qs:
    try: loc.search(q)
    except Exception as e: pass
only = sys.argv[1] if len(sys.argv) > 1 else None
if only:
    from pyinstrument import Profiler
    p = Profiler(interval=0.0002); p.start()
    for _ in range(5):
        for c, q in qs:
            if c == only or only == "all":
                try: loc.search(q)
                except Exception: pass
    p.stop(); print(p.output_text(unicode=False, color=False, show_all=False)[:15000]); sys.exit()
by = {}
for _ in range(3):
    for c, q in qs:
        t = time.thread_time_ns()
        try: loc.search(q)
        except Exception: continue
        by.setdefault(c, []).append((time.thread_time_ns() - t) / 1e6)
allt = []
for c, v in by.items():
    allt += v; print(f"{c:16s} n {len(v):3d} p50 {np.percentile(v,50):6.2f} p99 {np.percentile(v,99):6.2f}")
print(f"{'overall':16s} p50 {np.percentile(allt,50):6.2f} p99 {np.percentile(allt,99):6.2f}")
