"""A node's text postings come from the Whoosh index: a build's model loaded from disk (its snapshot,
and the Whoosh segment when the snapshot's text part is missing) equals the model built in memory,
the block-wise reader (Whoosh internals) equals Whoosh's public matcher API on an index with updates
and deletions, and every file a build writes is read when a node loads it."""
from __future__ import annotations

import shutil

import numpy as np
import pytest
from whoosh import index as whoosh_index

from locator.search import index
from locator.search.fulltext import read_fold, schema, whoosh_fields, write_segment
from locator.search.model import ReadModel
from locator.search import snapshot
from tests.unit.test_text_index import DOCS, doc

MORE = [doc(f"Partner {n}", f"consulting {'kubernetes ' * (n % 4)} training", services=["training"] * (n % 2))
        for n in range(300)]  # enough postings for several Whoosh blocks per common term
ALL = DOCS + MORE


def built(tmp_path, docs=ALL) -> tuple[ReadModel, object]:
    """What index.build writes, without a store: the Whoosh segment and the snapshot."""
    model = ReadModel.build(docs, marker=7)
    ix = whoosh_index.create_in(str(tmp_path), schema())
    snapshot.write(model, tmp_path, write_segment(ix, model.pid, model.text["fold"]))
    return model, ix


def test_a_loaded_model_equals_the_built_one(tmp_path):
    model, _ = built(tmp_path)
    loaded = index.load_model(tmp_path)
    assert loaded is not None and loaded.marker == 7
    for field in ("fold", "stem"):
        a, b = model.text[field], loaded.text[field]
        assert a.terms == b.terms and a.avgdl == b.avgdl, field
        for name in ("ptr", "rows", "weights", "freqs"):
            assert np.array_equal(getattr(a, name), getattr(b, name)), (field, name)
    for name in ("pid", "alive", "published", "select", "completeness", "off_ptr", "off_lat", "off_lon"):
        assert np.array_equal(getattr(model, name), getattr(loaded, name)), name
    assert [model.records[i] for i in range(model.size)] == [loaded.records[i] for i in range(loaded.size)]


def test_without_its_text_part_a_node_reads_the_text_from_the_whoosh_index(tmp_path):
    """Change a document in the Whoosh index alone and remove the snapshot's text part: a node loading
    the build finds the new word (its text is the Whoosh index's) and writes the text part again."""
    from locator.search import retrieval

    model, _ = built(tmp_path)
    ix = whoosh_index.open_dir(str(tmp_path))
    with ix.writer() as writer:
        fields = whoosh_fields(DOCS[0])
        writer.update_document(pid=fields["pid"], fold=fields["fold"] + " zeppelin")
    assert np.flatnonzero(retrieval.text_scores(index.load_model(tmp_path), "zeppelin")).tolist() == []  # the snapshot's
    shutil.rmtree(tmp_path / snapshot.TEXT)
    for loaded in (index.load_model(tmp_path), index.load_model(tmp_path)):  # from Whoosh, then from the rewritten part
        assert (tmp_path / snapshot.TEXT / snapshot.META).is_file()
        assert np.flatnonzero(retrieval.text_scores(loaded, "zeppelin")).tolist() == [0]
        assert loaded.records[0]["name"] == DOCS[0]["name"]
        assert isinstance(loaded.text["fold"].rows.base, np.memmap)  # a view over the map


def _public_postings(ix, pid: np.ndarray) -> dict[str, list[tuple[int, float]]]:
    """The live fold postings by row, through Whoosh's public reader and matcher API only."""
    row_of = {int(p): r for r, p in enumerate(pid.tolist())}
    out: dict[str, list[tuple[int, float]]] = {}
    with ix.searcher() as searcher:
        reader = searcher.reader()
        rows = {d: row_of.get(int(searcher.stored_fields(d)["pid"])) for d in reader.all_doc_ids()}
        for term in reader.lexicon("fold"):
            items = [(rows[d], tf) for d, tf in reader.postings("fold", term).items_as("frequency")
                     if rows.get(d) is not None]
            if items:
                out[term.decode()] = sorted(items)
    return out


def _block_postings(ix, pid: np.ndarray, segment: str) -> dict[str, list[tuple[int, float]]]:
    terms, ptr, rows, tf = read_fold(ix, pid, segment)
    found = {t: sorted(zip(rows[ptr[i]:ptr[i + 1]].tolist(), tf[ptr[i]:ptr[i + 1]].tolist()))
             for i, t in enumerate(terms)}
    return {t: items for t, items in found.items() if items}


@pytest.mark.parametrize("merge", [False, True])
def test_the_block_reader_equals_the_public_api_after_updates_and_deletions(tmp_path, merge):
    model, ix = built(tmp_path)
    segment = whoosh_index.open_dir(str(tmp_path)).reader().segment().segment_id()
    assert sum(len(v) for v in _public_postings(ix, model.pid).values()) == len(model.text["fold"].rows)
    with ix.writer() as writer:  # what sync_segments does: updates, a deletion, a new partner
        for d in (DOCS[1], MORE[5], MORE[200]):
            changed = dict(d, description="renamed kubernetes " + d["description"])
            writer.update_document(**whoosh_fields(changed))
        writer.delete_by_term("pid", str(MORE[7]["id"]))
        writer.add_document(**whoosh_fields(doc("Newcomer", "kubernetes")))
    if merge:  # Whoosh merged the build's segment away: documents are placed by their stored pid
        ix.optimize()
    ix = whoosh_index.open_dir(str(tmp_path))
    assert len(ix.reader().leaf_readers()) == (1 if merge else 2)
    public, blocks = _public_postings(ix, model.pid), _block_postings(ix, model.pid, segment)
    assert blocks == public
    assert {r for r, _ in blocks["renamed"]} == {1, len(DOCS) + 5, len(DOCS) + 200}
    assert all(r != len(DOCS) + 7 for items in blocks.values() for r, _ in items)  # deleted
    assert "newcomer" not in blocks  # not in the model's rows: it comes as a delta from the store


def test_every_file_a_build_writes_is_read_by_a_loading_node(tmp_path):
    """The columns are needed to load at all; the text part is mapped when present; the Whoosh files
    are read when it is not (and it is then written again)."""
    built(tmp_path)
    whoosh_files = sorted(p.name for p in tmp_path.iterdir() if p.is_file() and not p.name.endswith("LOCK"))
    assert any(f.endswith(".seg") for f in whoosh_files) and any(f.endswith(".toc") for f in whoosh_files)
    columns = sorted((tmp_path / snapshot.COLUMNS).iterdir())
    text = sorted((tmp_path / snapshot.TEXT).iterdir())
    assert len(columns) > 20 and len(text) == 9
    for path in columns:
        path.rename(path.with_name(path.name + ".away"))
        assert index.load_model(tmp_path) is None, f"{path.name} is written but not needed to load"
        path.with_name(path.name + ".away").rename(path)
    for path in text:
        path.unlink()
        assert index.load_model(tmp_path) is not None and path.exists(), f"{path.name} is not written again"
    shutil.rmtree(tmp_path / snapshot.TEXT)
    for name in whoosh_files:
        (tmp_path / name).rename(tmp_path / f"{name}.away")
        assert index.load_model(tmp_path) is None, f"{name} is written but not read when the text part is missing"
        (tmp_path / f"{name}.away").rename(tmp_path / name)
    assert index.load_model(tmp_path) is not None
