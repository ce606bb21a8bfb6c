"""The Whoosh full-text index: one document per partner with its analysed (folded) terms. A build
writes it as one segment straight from the read model's postings; a node reads its postings back
into arrays at start (fulltext is the only copy of the text postings on disk).

Whoosh's internals used here (pinned by tests/unit/test_text_index.py and test_whoosh_read_path.py):
writing, SegmentWriter's per-document writer, pool, field writer and `_flush_segment`; reading, a
segment's codec `postings_reader` over its postings file and W3LeafMatcher's block data
(`_read_data`, `_data`, `_blocklength`, `_next_block`). At 100,000 partners (4.2 million postings)
Whoosh's public matcher API (Python calls per posting) takes 5.5 s for the ids alone and 9 s with
the frequencies; block by block it takes about 1.1 s of CPU, and a whole model loads in about 2 s.
"""
from __future__ import annotations

import array
from itertools import chain, repeat

import numpy as np
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.codec.whoosh3 import W3Codec, W3LeafMatcher
from whoosh.fields import ID, TEXT, Schema
from whoosh.system import pack_uint

from locator.search.documents import NAME_BOOST, doc_text
from locator.search.analysis import fold_terms
from locator.search.postings import Postings


def schema() -> Schema:
    """One document per partner: its store id and its unstemmed, accent-folded terms (name terms
    NAME_BOOST times). Stemmed terms are not stored: they are stem() of these (the read model
    derives its recall postings the same way)."""
    return Schema(
        pid=ID(stored=True, unique=True),
        fold=TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False),  # values are already analysed
    )


def bulk_codec() -> W3Codec:
    """The codec of a build's segment: uncompressed blocks of up to 1024 postings (reading them at
    start is a node's cost: at 100k partners 1.8 s instead of 2.6 s for Whoosh's default blocks of
    128, zlib-compressed, measured side by side; writing is faster too; the segment is 68 MB, not 33)."""
    return W3Codec(blocklimit=1024, compression=0)


def whoosh_fields(doc: dict) -> dict[str, str]:
    name, rest = doc_text(doc)
    return {"pid": str(doc["id"]), "fold": " ".join(fold_terms(name) * NAME_BOOST + fold_terms(rest))}


def write_segment(ix, pids: np.ndarray, fold: Postings) -> str:
    """Write the whole index as one Whoosh segment straight from the read model's fold postings
    (already analysed, sorted by term and row; document number = row): the same segment add_document
    would make, without Whoosh re-tokenising every document and sorting 4 million postings through
    its pool. Returns the segment's id."""
    writer = ix.writer(codec=bulk_codec())
    try:
        pid_field, fold_field = writer.schema["pid"], writer.schema["fold"]
        perdoc, lengths = writer.perdocwriter, fold.lengths.astype(np.int64).tolist()
        for docnum, (pid, length) in enumerate(zip(pids.tolist(), lengths)):
            perdoc.start_doc(docnum)
            perdoc.add_field("fold", fold_field, None, length)
            perdoc.add_field("pid", pid_field, str(pid), 1)
            perdoc.finish_doc()
            writer.pool.add(("pid", str(pid).encode(), docnum, 1.0, b""))
        writer.docnum = len(lengths)
        writer._added = True
        writer._flush_segment = lambda: _flush(writer, fold, fold_field, lengths)
        segment = writer.get_segment().segment_id()
        writer.commit(merge=False)
    except BaseException:
        writer.cancel()
        raise
    return segment


def _flush(writer, fold: Postings, fold_field, lengths: list[int]) -> None:
    """SegmentWriter._flush_segment, with the fold field's postings written from arrays."""
    writer.perdocwriter.close()
    fw = writer.fieldwriter
    fw.start_field("fold", fold_field)
    ptr, rows, freqs = fold.ptr.tolist(), fold.rows.tolist(), fold.freqs.astype(np.int64).tolist()
    for i, term in enumerate(fold.terms):
        fw.start_term(term.encode("utf-8"))
        add = fw._postwriter.add_posting
        for j in range(ptr[i], ptr[i + 1]):
            tf = freqs[j]
            add(rows[j], float(tf), pack_uint(tf), lengths[rows[j]])
        fw.finish_term()
    fw.finish_field()
    pdr = writer.per_document_reader()
    fw.add_postings(writer.schema, pdr, writer.pool.iter_postings())  # the pid field
    pdr.close()
    fw.close()


# ---------------------------------------------------------------- reading


def read_fold(ix, pid: np.ndarray, segment: str) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The folded postings of the index's live documents, by row of a model whose store ids are
    `pid`: (sorted terms, ptr, rows, term frequencies). The build's segment (`segment`) has document
    number = row; documents of later segments (incremental updates) are placed by their stored pid,
    those of partners not in `pid` are left out (the model gets them as a delta from the store)."""
    leaves = []
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            n = leaf.doc_count_all()
            live = np.zeros(n, dtype=bool)
            live[list(leaf.all_doc_ids())] = True
            if leaf.segment().segment_id() == segment and n == len(pid):
                docmap = np.arange(n, dtype=np.int64)
            else:
                row_of_pid = dict(zip(pid.tolist(), range(len(pid))))
                docmap = np.array([row_of_pid.get(int(leaf.stored_fields(d)["pid"]), -1) if live[d] else -1
                                   for d in range(n)], dtype=np.int64)
            docmap[~live] = -1
            leaves.append((*_leaf_postings(leaf), docmap))
    all_terms = sorted(set(chain.from_iterable(leaf[0] for leaf in leaves)))
    if len(leaves) == 1 and np.array_equal(leaves[0][4], np.arange(len(pid))):  # the build alone, intact
        terms, counts, docnums, tf, _ = leaves[0]
        ptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(counts, out=ptr[1:])
        return terms, ptr, docnums.astype(np.int32), tf
    term_id = {t: i for i, t in enumerate(all_terms)}
    width = len(pid) + 1
    parts = []  # per leaf: sorted keys (term id × width + row) of its live postings, and their frequencies
    for terms, counts, docnums, tf, docmap in leaves:
        rows = docmap[docnums]
        keep = rows >= 0
        keys = np.repeat(np.array([term_id[t] for t in terms], dtype=np.int64), counts)[keep] * width + rows[keep]
        freqs = tf[keep]
        mapped = docmap[docmap >= 0]
        if not (np.diff(mapped) > 0).all():  # placed by pid: not in row order
            order = np.argsort(keys, kind="stable")
            keys, freqs = keys[order], freqs[order]
        parts.append((keys, freqs))
    parts.sort(key=lambda part: -len(part[0]))
    keys, freqs = parts[0] if parts else (np.zeros(0, np.int64), np.zeros(0, np.float32))
    if len(parts) > 1:  # merge the few postings of later segments into the build's (no full sort)
        more = np.concatenate([k for k, _ in parts[1:]])
        more_tf = np.concatenate([f for _, f in parts[1:]])
        order = np.argsort(more, kind="stable")
        at = np.searchsorted(keys, more[order])
        keys, freqs = np.insert(keys, at, more[order]), np.insert(freqs, at, more_tf[order])
    ptr = np.searchsorted(keys // width, np.arange(len(all_terms) + 1)).astype(np.int64)
    return all_terms, ptr, (keys % width).astype(np.int32), freqs.astype(np.float32)


def _leaf_postings(leaf) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """One segment's fold postings, deleted documents included: (terms, postings per term, document
    numbers, frequencies). Whoosh stores a block's ids delta-encoded and its weights (the term
    frequencies here) as a tuple, or one number when all are equal, or None when all are 1."""
    fmt = leaf.schema["fold"].format
    postfile = leaf._terms._postfile
    codec = leaf.codec()
    terms: list[str] = []
    counts: list[int] = []
    deltas = array.array("q")
    weights = array.array("f")
    sizes: list[int] = []
    for term, info in leaf.iter_field("fold"):
        m = codec.postings_reader(postfile, info, fmt)
        count = 0
        if isinstance(m, W3LeafMatcher):
            while m.is_active():
                m._read_data()
                ids, ws, _ = m._data
                n = m._blocklength
                deltas.extend(ids)
                weights.extend(ws if isinstance(ws, tuple) else repeat(1.0 if ws is None else ws, n))
                sizes.append(n)
                count += n
                m._next_block()
        else:  # postings inlined in the term info (a ListMatcher): the public API
            ids = []
            while m.is_active():
                ids.append(m.id())
                weights.append(m.weight())
                m.next()
            deltas.extend(b - a for a, b in zip([0, *ids], ids))
            sizes.append(len(ids))
            count = len(ids)
        terms.append(term.decode("utf-8") if isinstance(term, bytes) else term)
        counts.append(count)
    d = np.frombuffer(deltas, dtype=np.int64) if len(deltas) else np.zeros(0, dtype=np.int64)
    tf = np.frombuffer(weights, dtype=np.float32) if len(weights) else np.zeros(0, dtype=np.float32)
    size = np.array(sizes, dtype=np.int64)
    starts = np.cumsum(size) - size
    running = np.cumsum(d)
    docnums = running - np.repeat(running[starts] - d[starts], size) if len(d) else d
    return terms, np.array(counts, dtype=np.int64), docnums, tf
