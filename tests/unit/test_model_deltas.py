"""A delta's model carries its parent's derived arrays over (office order by latitude, rows of offices,
the name tie-break, rows by partner id) instead of deriving them again: whatever the delta, they equal
what the new model would derive from scratch."""
from __future__ import annotations

import copy
import random

import numpy as np
import pytest

from locator.search.columns import Csr
from locator.search.model import ReadModel
from tests.unit.test_text_index import doc

DERIVED = ("off_row", "lat_order", "lat_sorted", "lon_by_lat", "name_rank", "row_of_pid")


def partners(rng: random.Random, n: int, start: int) -> list[dict]:
    docs = []
    for i in range(n):
        d = doc(rng.choice(["Alpha", "beta", "Beta", "Gamma Cloud", "Ämter", "zeta"]) + f" {rng.randint(0, 5)}")
        d["id"] = start + i
        d["external_id"] = f"E{rng.randint(0, 50)}"
        d["offices"] = [{**d["offices"][0], "lat": rng.choice([48.1, 50.0, -33.9, rng.uniform(-80, 80)]),
                         "lon": rng.uniform(-180, 180)} for _ in range(rng.randint(0, 3))]
        docs.append(d)
    return docs


def from_scratch(model: ReadModel) -> dict:
    fresh = copy.copy(model)
    fresh.__dict__ = {k: v for k, v in model.__dict__.items() if k not in DERIVED}
    return {name: getattr(fresh, name) for name in DERIVED}


@pytest.mark.parametrize("seed", range(12))
def test_a_deltas_derived_arrays_equal_those_derived_from_scratch(seed):
    rng = random.Random(seed)
    model = ReadModel.build(partners(rng, 60, 1), marker=0)
    for _ in range(3):
        for name in DERIVED:
            getattr(model, name)  # the parent has them, as a served model does
        changed = rng.sample(model.pid.tolist(), 5)
        docs = partners(rng, rng.randint(0, 8), 1000 + model.size)
        for pid in changed[:3]:  # edited partners come back under their id; the other two are deleted
            docs += [{**partners(rng, 1, 0)[0], "id": pid}]
        model = model.with_docs(docs, changed=changed, marker=model.marker + 1)
        carried = {name: model.__dict__[name] for name in DERIVED}
        expected = from_scratch(model)
        for name in ("off_row", "lat_order", "lat_sorted", "lon_by_lat", "name_rank"):
            assert np.array_equal(carried[name], expected[name]), name
        assert carried["row_of_pid"] == expected["row_of_pid"]


@pytest.mark.parametrize("seed", range(12))
def test_appended_lists_carry_what_they_derived(seed):
    """The inverted lists (code → rows), entry rows and totals of a grown Csr equal those derived anew,
    new codes included."""
    rng = random.Random(seed)
    words = ["de", "en", "fr", "ja", "ko"]

    def lists(n):
        return [rng.sample(words + ["x" + str(rng.randint(0, 3))], rng.randint(0, 3)) for _ in range(n)]

    csr = Csr.from_lists(lists(30))
    for _ in range(3):
        csr.derived()  # as a served model has them
        csr = csr.appended(lists(rng.randint(0, 6)))
        carried = {k: csr.__dict__[k] for k in ("entry_row", "_inverted", "totals")}
        fresh = Csr(csr.codes, csr.ptr, csr.vals)
        assert np.array_equal(carried["entry_row"], fresh.entry_row)
        assert np.array_equal(carried["totals"], fresh.totals)
        assert np.array_equal(carried["_inverted"][0], fresh._inverted[0])
        assert np.array_equal(carried["_inverted"][1], fresh._inverted[1])


def test_appended_postings_carry_their_sorted_lexicon():
    model = ReadModel.build(partners(random.Random(1), 20, 1), marker=0)
    fold = model.text["fold"]
    fold.lexicon
    grown = model.with_docs([{**doc("Zyxwv Quokka consulting"), "id": 999}], changed=[], marker=1).text["fold"]
    assert "lexicon" in grown.__dict__
    assert grown.lexicon == sorted(set(grown.terms) | set(grown.overlay))
    assert "zyxwv" in grown.lexicon and "zyxwv" not in fold.lexicon
