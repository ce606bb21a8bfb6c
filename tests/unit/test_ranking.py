"""Property tests: the relevance blend is monotone in each component and orders are deterministic."""
from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from locator.config import Config
from locator.search import ranking

W = ranking.Weights.from_config(Config())
finite = dict(allow_nan=False, allow_infinity=False)
texts = st.floats(0.0, 50.0, **finite)
distances = st.floats(0.0, 20000.0, **finite)
completeness = st.integers(0, 100)


def components(text, distance, complete, select):
    return ranking.Components(
        text=np.array(text, dtype=np.float64),
        distance_km=np.array(distance, dtype=np.float64),
        completeness=np.array(complete, dtype=np.float64),
        select=np.array(select, dtype=bool),
    )


def blend(*columns):
    return ranking.relevance(components(*columns), W)


def ranks_first_above_second(*columns) -> bool:
    """Whether row 0 comes before row 1 in relevance order (tie-break favouring row 1)."""
    c = components(*columns)
    tiebreak = np.arange(len(c.completeness))[::-1].copy()
    order = list(ranking.order("relevance", tiebreak, score=ranking.relevance(c, W), components=c))
    return order.index(0) < order.index(1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(texts, distances, completeness, st.booleans()), min_size=1, max_size=20),
       distances, distances)
def test_nearer_ranks_higher(others, d1, d2):
    near, far = sorted((d1, d2))
    rows = [(5.0, near, 50, False), (5.0, far, 50, False)] + others
    score = blend(*zip(*rows))
    assert score[0] >= score[1]
    if near < far:
        assert ranks_first_above_second(*zip(*rows))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(texts, distances, completeness, st.booleans()), max_size=20), completeness, completeness)
def test_more_complete_ranks_higher(others, c1, c2):
    low, high = sorted((c1, c2))
    rows = [(1.0, 10.0, high, True), (1.0, 10.0, low, True)] + others
    score = blend(*zip(*rows))
    assert score[0] >= score[1]
    if high > low:
        assert score[0] > score[1] and ranks_first_above_second(*zip(*rows))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(texts, distances, completeness, st.booleans()), max_size=20), texts, texts)
def test_better_text_match_ranks_higher(others, t1, t2):
    low, high = sorted((t1, t2))
    rows = [(high, 30.0, 70, False), (low, 30.0, 70, False)] + others
    score = blend(*zip(*rows))
    assert score[0] >= score[1]
    if high > low:
        assert ranks_first_above_second(*zip(*rows))


@given(texts, distances, completeness)
def test_select_ranks_above_open_at_equal_footing(text, distance, complete):
    score = blend([text, text], [distance, distance], [complete, complete], [True, False])
    assert score[0] > score[1]


@given(st.lists(st.tuples(texts, distances, completeness, st.booleans()), min_size=1, max_size=30))
def test_scores_are_bounded_by_the_weights(rows):
    score = blend(*zip(*rows))
    assert np.all(score >= 0) and np.all(score <= W.text + W.distance + W.completeness + W.track + 1e-9)


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 100)), min_size=1, max_size=40), st.randoms())
def test_order_is_deterministic_and_breaks_ties_by_name(rows, rnd):
    score = np.array([s / 4 for s, _ in rows])
    tiebreak = np.array(rnd.sample(range(1000), len(rows)))
    order = ranking.order("relevance", tiebreak, score=score)
    ranked = [(-score[i], tiebreak[i]) for i in order]
    assert ranked == sorted(ranked)
    permutation = np.array(rnd.sample(range(len(rows)), len(rows)))
    again = ranking.order("relevance", tiebreak[permutation], score=score[permutation])
    assert list(permutation[again]) == list(order)


@given(st.lists(st.tuples(distances, st.booleans()), min_size=1, max_size=40))
def test_distance_sort_puts_remote_partners_after_the_ones_there(rows):
    distance = np.array([d for d, _ in rows])
    remote = np.array([r for _, r in rows])
    order = ranking.order("distance", np.arange(len(rows)), distance_km=distance, remote=remote)
    keys = [(remote[i], distance[i]) for i in order]
    assert keys == sorted(keys)


def test_decay_halves_at_the_scale():
    assert np.isclose(ranking.decay_of(np.array([W.scale_km]), W)[0], 0.5)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 5), st.integers(0, 100), st.floats(0, 500, **finite), st.booleans()), min_size=1, max_size=120),
       st.sampled_from(["relevance", "distance", "completeness", "name"]), st.integers(1, 30), st.randoms())
def test_top_k_order_is_the_prefix_of_the_full_order(rows, sort, limit, rnd):
    score = np.array([r[0] / 5 for r in rows])
    complete = np.array([r[1] for r in rows], dtype=np.float64)
    distance = np.array([r[2] for r in rows])
    remote = np.array([r[3] for r in rows])
    tiebreak = np.array(rnd.sample(range(10_000), len(rows)))
    kw = dict(score=score, distance_km=distance, remote=remote, completeness=complete)
    full = ranking.order(sort, tiebreak, **kw)
    assert list(ranking.order(sort, tiebreak, limit=limit, **kw)) == list(full[:limit])


# ---------------------------------------------------------------- the radius prefilter


def _office_model(points):
    from locator.search.model import ReadModel

    docs = [
        {"id": i + 1, "external_id": f"G{i}", "slug": f"g{i}", "name": f"G{i}", "description": "", "website": None,
         "logo_url": None, "track": "open", "published": True, "completeness": 50, "internal": {},
         "industries": [], "countries_served": [], "service_area": None, "languages": [], "services": [],
         "segments": [], "types": [], "certifications": [],
         "offices": [{"label": "HQ", "city": "X", "country": "DE", "lat": lat, "lon": lon}]}
        for i, (lat, lon) in enumerate(points)
    ]
    return ReadModel.build(docs, 0)


@settings(max_examples=60, deadline=None)
@given(
    st.floats(-89.9, 89.9, **finite), st.floats(-180.0, 180.0, **finite),
    st.sampled_from([1.0, 25.0, 100.0, 1000.0, 3000.0, 9000.0]), st.integers(0, 2**31 - 1),
)
@example(60.0, 179.5, 500.0, 1)
@example(-17.0, -179.8, 1000.0, 2)
@example(88.0, 10.0, 300.0, 3)
@example(0.0, 180.0, 25.0, 4)
def test_latitude_band_and_longitude_window_lose_no_office_in_the_radius(lat, lon, radius, seed):
    """Offices around the radius edge, across the antimeridian and near the poles: the prefiltered
    search finds exactly the offices the geodesic puts inside."""
    from geographiclib.geodesic import Geodesic

    from locator.search import retrieval

    rng = np.random.default_rng(seed)
    points = []
    for _ in range(200):
        line = Geodesic.WGS84.Direct(lat, lon, rng.uniform(0, 360), radius * 1000 * rng.uniform(0.9, 1.1))
        points.append((line["lat2"], line["lon2"]))
    model = _office_model(points)
    found = retrieval.within_radius(model, lat, lon, radius).inside
    truth = [Geodesic.WGS84.Inverse(lat, lon, a, b)["s12"] / 1000 <= radius for a, b in points]
    assert found.tolist() == truth
