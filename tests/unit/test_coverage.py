"""Coverage of a query's units on the read model (locator.search.coverage): strong (an entry the partner
has, or its name), weak (only its other text), none; certificates are not offers; the name index grows
with a model's deltas; the ranking orders by units covered first; the remote effective distance."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from locator.config import Config
from locator.search import ranking
from locator.search.coverage import STRONG, WEAK, coverage, name_terms
from locator.search.intent import understand
from locator.search.model import ReadModel
from locator.search.retrieval import Among

_ids = itertools.count(1)


def doc(name: str, description: str = "", **lists) -> dict:
    n = next(_ids)
    return {
        "id": n, "external_id": f"C{n}", "slug": f"c{n}", "name": name, "description": description,
        "website": None, "logo_url": None, "track": "open", "published": lists.pop("published", True),
        "completeness": 50, "internal": {}, "countries_served": [], "service_area": None,
        **{k: lists.get(k, []) for k in ("languages", "services", "segments", "types", "certifications", "industries")},
        "offices": [{"label": "HQ", "city": "München", "country": "DE", "lat": 48.1, "lon": 11.6}],
    }


DOCS = [
    doc("Offers Both", "We do things.", services=["kubernetes", "migration"]),  # 0
    doc("Offers Kubernetes", "Platform work.", services=["kubernetes"]),  # 1
    doc("Mentions Both", "Kubernetes migration stories from the field."),  # 2
    doc("Certified Only", "We migrate SVN.", services=["migration"], certifications=["cka"]),  # 3
    doc("Kubernetes Experts", "Consultants."),  # 4: the word in its name
    doc("Unrelated", "Bakery software."),  # 5
    doc("Hidden Kubernetes", "Unpublished.", services=["kubernetes", "migration"], published=False),  # 6
]
MODEL = ReadModel.build(DOCS, marker=0)


def levels(q: str, model: ReadModel = MODEL) -> list[list[int]]:
    covered = coverage(model, understand(q))
    return [lv.tolist() for lv in covered.levels]


def test_entries_are_strong_names_strong_text_weak():
    kubernetes, migration = levels("kubernetes migration")
    assert kubernetes[:6] == [STRONG, STRONG, WEAK, 0, STRONG, 0]  # row 3 only certifies Kubernetes
    assert migration[:6] == [STRONG, 0, WEAK, STRONG, 0, 0]


def test_a_row_covering_more_units_ranks_first_whatever_the_blend():
    covered = coverage(MODEL, understand("kubernetes migration"))
    rows = np.array([0, 1, 2, 3, 4])
    components = ranking.Components(text=covered.text_of(rows), distance_km=np.array([900.0, 0, 0, 0, 0]),
                                    completeness=np.array([0.0, 100, 100, 100, 100]), select=np.zeros(5, bool),
                                    tier=covered.tier[rows])
    weights = ranking.Weights.from_config(Config())
    order = ranking.order("relevance", np.arange(5), score=ranking.relevance(components, weights), components=components)
    assert set(rows[order[:2]].tolist()) == {0, 2}  # both units: far and incomplete, still first
    assert covered.tier[rows].tolist() == [2, 1, 2, 1, 1]


def test_credit_counts_each_unit_alike_and_offering_above_mentioning():
    covered = coverage(MODEL, understand("kubernetes migration"))
    text = covered.text_of(np.arange(MODEL.size))
    assert text[0] > text[2] > 0  # offering both above mentioning both
    assert 0.45 < text[1] <= 0.75 and 0.45 < text[3] <= 0.75  # one unit each, strongly: alike


def test_the_hidden_row_changes_no_public_credit():
    with_hidden = coverage(MODEL, understand("kubernetes")).text_of(np.arange(6))
    public = ReadModel.build(DOCS[:6], marker=0)
    assert np.allclose(with_hidden, coverage(public, understand("kubernetes")).text_of(np.arange(6)))


def test_no_units_is_no_text_query():
    assert coverage(MODEL, understand("the and of")) is None
    assert coverage(MODEL, understand("🚀")) is None


def test_the_name_index_grows_with_a_models_deltas():
    base = ReadModel.build([doc("Alpha Cloud"), doc("Beta Systems")], marker=0)
    first = name_terms(base)
    grown = base.with_docs([doc("Zeppelin Kubernetes")], changed=[], marker=1)
    index = name_terms(grown)
    assert index.rows_with_all(("zeppelin",), grown.size).tolist() == [2]
    assert name_terms(base).rows_with_all(("zeppelin",), base.size).tolist() == []  # the parent never sees it
    assert index is first  # grown, not rebuilt
    other = ReadModel.build([doc("Zeppelin Works"), doc("Gamma")], marker=0)  # another build: its own index
    assert name_terms(other).rows_with_all(("zeppelin",), other.size).tolist() == [0]
    assert name_terms(grown).rows_with_all(("zeppelin",), grown.size).tolist() == [2]


def test_remote_effective_distance():
    km = ranking.effective_remote_km(np.array([30.0, 600.0, np.inf]), 250.0)
    assert km.tolist() == [250.0, 600.0, 250.0]


@pytest.mark.parametrize("q", ["kubernetes", "Kubernetes Experts", "kubernetes 쿠버네티스", "k8s"])
def test_coverage_has_a_level_per_unit(q):
    covered = coverage(MODEL, understand(q))
    assert len(covered.levels) == len(understand(q).units)
    assert covered.tier.max() <= len(covered.levels)


@pytest.mark.parametrize("q", ["kubernetes migration", "Kubernetes Experts", "kubernets", "public sector migration"])
@pytest.mark.parametrize("among", [[0, 2, 3], [1, 4, 5, 6], [5], []])
def test_coverage_over_candidate_rows_is_the_coverage_of_those_rows(q, among):
    """A search near a place scores text on the rows the place left: the same numbers as over every row."""
    rows = np.array(among, dtype=np.int64)
    everywhere = coverage(MODEL, understand(q))
    there = coverage(MODEL, understand(q), among=Among(rows, MODEL.size))
    assert there.tier.shape == (len(rows),)
    assert np.flatnonzero(there.matched).tolist() == [r for r in among if everywhere.tier[r] > 0]
    assert np.allclose(there.text_of(rows), everywhere.text_of(rows))
    assert there.tier_of(rows).tolist() == everywhere.tier_of(rows).tolist()
    for row in among:
        assert there.of_row(row) == everywhere.of_row(row)
        assert there.entries_of(row, MODEL) == everywhere.entries_of(row, MODEL)
        assert there.words_of(row) == everywhere.words_of(row)
