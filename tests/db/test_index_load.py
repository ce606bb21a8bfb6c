"""A node starting after the shared Whoosh index was updated incrementally loads the build's columns,
the postings from the updated Whoosh segments and the store's changes since the build, and searches
exactly as the node that followed the changes live (and finds what a fresh build finds)."""
from __future__ import annotations

from whoosh import index as whoosh_index

from locator.config import Config
from locator.models import Partner
from locator.search import index
from locator.search.query import SearchQuery
from locator.services import Services
from locator.store import apply_partner, delete_partner
from tests.factories import office, partner_data

QUERIES = ("consulting", "kubernetes", "zeppelin", "airships", "renamed", "gone", "kubernets", "berlin consulting")


def services_on(db, index_dir) -> Services:
    url = db.engine.url.render_as_string(hide_password=False)
    return Services(Config.from_env({"database_url": url, "index_dir": str(index_dir), "index_poll_s": 0.0}), db)


def view(services: Services) -> dict:
    out = {}
    for q in QUERIES:
        results = services.locator.search(SearchQuery(q=q, per_page=100, explain=True)).results
        out[q] = [(r.id, round(r.score, 9), r.explain["text"]) for r in results]
    return out


def test_a_node_started_later_loads_the_updated_whoosh_index_and_the_deltas(fresh_db, tmp_path):
    with fresh_db.session() as session:
        for n in range(12):
            apply_partner(session, partner_data(id=f"P{n}", name=f"Partner {n}", offices=[office()],
                                                description=f"kubernetes consulting {'gone ' * (n == 3)}"))
    first = services_on(fresh_db, tmp_path / "index")
    try:
        assert len(first.locator.search(SearchQuery(q="consulting", per_page=100)).results) == 12
        build = index.current_dir(tmp_path / "index")
        with fresh_db.session() as session:
            apply_partner(session, partner_data(id="NEW", name="Zeppelin Consulting", description="airships",
                                                offices=[office(48.137, 11.575, city="München")]))
            old = session.query(Partner).filter_by(external_id="P1").one()
            apply_partner(session, partner_data(id="P1", name="Renamed One", offices=[office()]), existing=old)
            delete_partner(session, session.query(Partner).filter_by(external_id="P3").one())
        first.locator.refresh()  # follows the change log: a delta here, and the shared segments updated
        assert index.read_marker(build) == first.locator.model().marker > index.base_marker(build)
        with whoosh_index.open_dir(str(build)).searcher() as searcher:
            assert searcher.doc_count() == 12  # P3 deleted, NEW added, P1 replaced

        later = services_on(fresh_db, tmp_path / "index")  # starts from the same build directory
        fresh = services_on(fresh_db, tmp_path / "fresh")  # a full build of the store as it is now
        try:
            seen = view(later)
            assert seen == view(first)
            assert [r[0] for r in seen["zeppelin"]] == ["NEW"] and seen["gone"] == []
            assert [r[0] for r in seen["renamed"]] == ["P1"]
            assert {q: sorted(r[0] for r in hits) for q, hits in seen.items()} == \
                   {q: sorted(r[0] for r in hits) for q, hits in view(fresh).items()}
        finally:
            later.close()
            fresh.close()
    finally:
        first.close()
