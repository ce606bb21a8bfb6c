"""The insights reports on both backends: zero/few-result searches, demand against supply with its gaps, the
filters asked for, click-through and contact rate by position (contacts from the leads table), and a partner's
own figures (its appearances, views and leads only)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from locator.gazetteer import get_gazetteer
from locator.insights import queries
from locator.models import Lead, ResultEvent, SearchRecord
from tests.factories import make_partner, office

NOW = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
LYON = (45.764, 4.8357)


def search(session, sid: str, total: int, q: str = "", region: str | None = None, filters: str = "",
           shown: tuple[str, ...] = (), hours_ago: int = 1) -> None:
    hour = NOW - timedelta(hours=hours_ago)
    session.add(SearchRecord(search_id=sid, hour=hour, surface="page", place_kind="region" if region else None,
                             place=region, region_code=region, country=region[:2] if region else None, q=q,
                             filters=filters, total=total))
    for pos, ref in enumerate(shown, 1):
        session.add(ResultEvent(search_id=sid, hour=hour, kind="shown", position=pos, partner_ref=ref))


def lead(session, partner, position: int | None, status: str = "new", n: int = 0) -> None:
    session.add(Lead(reference=f"L-TEST-{n:04d}", partner_id=partner.id, name="A", email="a@example.com",
                     company="C", message="m", source="page", position=position, status=status))


def test_the_reports_on_each_backend(session):
    places = get_gazetteer()
    berlin = make_partner(session, name="Berlin One", offices=[office(region_code="DE-BE")])
    make_partner(session, name="Berlin Two", offices=[office(region_code="DE-BE")])
    other = make_partner(session, name="Elsewhere", offices=[office(*LYON, city="Lyon", country="FR", region_code="FR-ARA")])
    for n in range(6):
        search(session, f"z{n:011d}", 0, q="cobol mainframe", region="FR-IDF")
    search(session, "f00000000001", 2, q="gitlab", region="DE-BE", filters="language=de service=kubernetes",
           shown=(berlin.external_id, other.external_id))
    search(session, "f00000000002", 5, region="DE-BE", filters="service=kubernetes", shown=(other.external_id, berlin.external_id))
    search(session, "old000000001", 0, q="ancient", hours_ago=24 * 40)
    session.add(ResultEvent(search_id="f00000000001", hour=NOW, kind="view", position=1, partner_ref=berlin.external_id))
    session.add(ResultEvent(search_id=None, hour=NOW, kind="view", position=None, partner_ref=berlin.external_id))
    lead(session, berlin, 1, "contacted", 1)
    lead(session, other, 2, "new", 2)
    session.flush()
    since = queries.since_days(28)

    zero = queries.top_searches(session, since, 0, 0)
    assert [(z["q"], z["searches"]) for z in zero] == [("cobol mainframe", 6)]  # the 40-day-old one is out
    few = queries.top_searches(session, since, 1, queries.FEW)
    assert [f["q"] for f in few] == ["gitlab"] and "Language: German" in few[0]["label"]

    regions = {r.code: r for r in queries.demand_and_supply(session, since, places)}
    assert (regions["FR-IDF"].searches, regions["FR-IDF"].partners, regions["FR-IDF"].gap) == (6, 0, True)
    assert (regions["DE-BE"].searches, regions["DE-BE"].partners, regions["DE-BE"].gap) == (2, 2, False)

    asked = {(a["filter"], a["value"]): a["searches"] for a in queries.most_asked(session, since)}
    assert asked == {("service", "kubernetes"): 2, ("language", "de"): 1}

    by_pos = {p["position"]: p for p in queries.by_position(session, since)}
    assert (by_pos[1]["shown"], by_pos[1]["views"], by_pos[1]["contacts"]) == (2, 1, 1)
    assert by_pos[1]["ctr"] == 0.5 and by_pos[2]["contacts"] == 1 and by_pos[3]["shown"] == 0

    mine = queries.for_partner(session, berlin, since)
    assert (mine["appearances"], mine["best_position"], mine["views"], mine["views_from_search"]) == (2, 1, 2, 1)
    assert mine["leads"] == {"contacted": 1}
    theirs = queries.for_partner(session, other, since)
    assert theirs["views"] == 0 and theirs["leads"] == {"new": 1}
