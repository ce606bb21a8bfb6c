"""The name index (names.py) of a snapshot's model is mapped from the build, not built per process; the
models of its deltas continue it with the rows they add, and it answers like one built in memory."""
from __future__ import annotations

import numpy as np

from locator.search import index, names
from locator.search.model import ReadModel
from tests.unit.test_snapshot import DOCS, built


def mapped_view(a: np.ndarray) -> bool:
    while a is not None and not isinstance(a, np.memmap):
        a = a.base
    return a is not None


def in_memory(model: ReadModel) -> names.NameTerms:
    fresh = names.NameTerms()
    fresh.grow(model.records)
    return fresh


def test_a_snapshots_name_index_is_mapped_and_answers_like_one_built_in_memory(tmp_path):
    built(tmp_path)
    loaded = index.load_model(tmp_path)
    mapped = names.name_terms(loaded)
    assert mapped.mapped is not None and mapped.lists == {}  # nothing built in this process
    rows = mapped.rows_with_all(("partner",), loaded.size)
    assert mapped_view(mapped.rows("partner"))
    expected = in_memory(loaded)
    for terms in (("partner",), ("partner", "12"), ("12",), ("nowhere",)):
        assert mapped.rows_with_all(terms, loaded.size).tolist() == expected.rows_with_all(terms, loaded.size).tolist()
    assert len(rows) == len(DOCS)


def test_a_delta_continues_the_mapped_name_index(tmp_path):
    built(tmp_path)
    loaded = index.load_model(tmp_path)
    base = names.name_terms(loaded)
    newer = loaded.with_docs([dict(DOCS[5], name="Partner Zeppelin", description="airships")], [DOCS[5]["id"]], 4)
    grown = names.name_terms(newer)
    assert grown is base and grown.mapped is not None  # continued, not rebuilt
    assert grown.rows_with_all(("zeppelin",), newer.size).tolist() == [len(DOCS)]
    assert grown.rows_with_all(("partner",), newer.size).tolist() == list(range(len(DOCS) + 1))
    assert grown.rows_with_all(("zeppelin",), loaded.size).tolist() == []  # the parent never sees it
    assert grown.rows_with_all(("partner", "zeppelin"), newer.size).tolist() == in_memory(newer).rows_with_all(
        ("partner", "zeppelin"), newer.size).tolist()
