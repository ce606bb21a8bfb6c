"""The on-disk index: Whoosh segments of the analysed text plus the read-model snapshot, built
atomically from the store and kept in step with its change log.

Layout of `index_dir`:
    CURRENT              name of the live build directory (replaced atomically with os.replace)
    build-<time>-<pid>/  Whoosh segments, readmodel.pickle (the snapshot at `marker`), MARKER
The Whoosh segment holds each partner's folded terms (analysed by locator.search.analysis); a full
build writes it from the read model's postings (through Whoosh's codec: see write_segment), so each
text is analysed once. Searches never read the segments (iterating Whoosh's matchers costs tens of
ms for a common word): they run on the read model loaded from the snapshot. The segments are the
on-disk, incrementally updated Whoosh copy of the same terms and lexicon, for tools and checks.

Several processes share one index_dir: incremental updates of the Whoosh segments are done by
whichever process gets Whoosh's writer lock (others skip; the next poll catches up), and MARKER
says up to which change the segments are current. Every process keeps its own read model current
from the store (see Locator.refresh), so searches never wait on the shared writer.
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select
from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.index import LockError
from whoosh.system import pack_uint

from locator.db import Database
from locator.models import Change
from locator.search.analysis import fold_terms
from locator.search.readmodel import NAME_BOOST, Postings, ReadModel, doc_text, load_docs
from locator.store import last_change_id

POINTER = "CURRENT"
SNAPSHOT = "readmodel.pickle"
MARKER = "MARKER"
KEEP_BUILDS = 2  # the live one and the one before (a process may still be reading it)


def schema() -> Schema:
    """One document per partner: its store id and its unstemmed, accent-folded terms (name terms
    NAME_BOOST times). Stemmed terms are not stored: they are stem() of these (the read model
    derives its recall postings the same way)."""
    return Schema(
        pid=ID(stored=True, unique=True),
        fold=TEXT(analyzer=SpaceSeparatedTokenizer(), phrase=False),  # values are already analysed
    )


def whoosh_fields(doc: dict) -> dict[str, str]:
    name, rest = doc_text(doc)
    return {"pid": str(doc["id"]), "fold": " ".join(fold_terms(name) * NAME_BOOST + fold_terms(rest))}


def write_segment(ix, pids: np.ndarray, fold: Postings) -> None:
    """Write the whole index as one Whoosh segment straight from the read model's fold postings
    (already analysed, sorted by term and row): the same segment add_document would make, without
    Whoosh re-tokenising every document and sorting 4 million postings through its pool."""
    writer = ix.writer()
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
        writer.commit(merge=False)
    except BaseException:
        writer.cancel()
        raise


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


def current_dir(index_dir: str | Path) -> Path | None:
    root = Path(index_dir)
    try:
        name = (root / POINTER).read_text().strip()
    except OSError:
        return None
    path = root / name
    return path if (path / SNAPSHOT).exists() else None


def read_marker(build: Path) -> int:
    try:
        return int((build / MARKER).read_text().strip() or 0)
    except (OSError, ValueError):
        return 0


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


@dataclass
class BuildReport:
    path: Path
    partners: int
    marker: int
    seconds: dict[str, float]


def build(db: Database, index_dir: str | Path) -> BuildReport:
    """Build a complete index beside the live one, then swap the pointer (a crash leaves the old one)."""
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    build_dir = root / f"build-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    build_dir.mkdir()
    seconds: dict[str, float] = {}
    try:
        t = time.perf_counter()
        with db.session() as session:
            marker = last_change_id(session)  # read first: later changes are replayed (upserts are idempotent)
            docs = load_docs(session)
        seconds["read_store"] = time.perf_counter() - t
        t = time.perf_counter()
        model = ReadModel.build(docs, marker)
        model.save(build_dir / SNAPSHOT)
        seconds["read_model"] = time.perf_counter() - t
        t = time.perf_counter()
        ix = whoosh_index.create_in(str(build_dir), schema())
        write_segment(ix, model.pid, model.text["fold"])
        seconds["whoosh"] = time.perf_counter() - t
        _write_atomic(build_dir / MARKER, str(marker))
        _write_atomic(root / POINTER, build_dir.name)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    _prune(root, keep=build_dir.name)
    return BuildReport(build_dir, len(docs), marker, seconds)


def _prune(root: Path, keep: str) -> None:
    builds = sorted((p for p in root.glob("build-*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    old = [p for p in builds if p.name != keep]
    for path in old[: max(0, len(old) - (KEEP_BUILDS - 1))]:
        shutil.rmtree(path, ignore_errors=True)


def changed_partners(session, after: int) -> tuple[list[int], int]:
    """Store ids of partners changed after change id `after`, and the newest change id."""
    rows = session.execute(select(Change.id, Change.partner_id).where(Change.id > after)).all()
    if not rows:
        return [], after
    return sorted({r.partner_id for r in rows}), max(r.id for r in rows)


def sync_segments(db: Database, index_dir: str | Path) -> int | None:
    """Apply the store's changes to the live Whoosh segments if this process wins the writer lock.

    Returns the marker the segments are now at, or None when another process holds the lock."""
    build_dir = current_dir(index_dir)
    if build_dir is None:
        return None
    ix = whoosh_index.open_dir(str(build_dir))
    try:
        writer = ix.writer()  # no waiting: another process is already doing this work
    except LockError:
        return None
    try:
        marker = read_marker(build_dir)
        with db.session() as session:
            ids, newest = changed_partners(session, marker)
            docs = {d["id"]: d for d in load_docs(session, ids)} if ids else {}
        if not ids:
            writer.cancel()
            return marker
        for pid in ids:
            if pid in docs:
                writer.update_document(**whoosh_fields(docs[pid]))
            else:
                writer.delete_by_term("pid", str(pid))
        writer.commit()
    except BaseException:
        _abandon(writer, build_dir)
        raise
    _write_atomic(build_dir / MARKER, str(newest))
    return newest


def _abandon(writer, folder: Path) -> None:
    """Cancel a failed writer; when cancelling fails too (a full disk: Whoosh stops closing at the
    first failed flush), close the files it left open in `folder` and release its lock."""
    try:
        writer.cancel()
        return
    except Exception:
        pass
    import gc
    import io

    prefix = str(folder)
    for obj in gc.get_objects():
        if isinstance(obj, io.IOBase) and not obj.closed and str(getattr(obj, "name", "")).startswith(prefix):
            try:
                obj.close()
            except OSError:
                pass
    lock = getattr(writer, "writelock", None)
    if lock is not None:
        try:
            lock.release()
        except Exception:
            pass


def clean_debris(index_dir: str | Path, builds: bool = False) -> list[str]:
    """Remove what failed writes leave behind and return their names: Whoosh's temporary folder and
    segment files no TOC names in the live build (when its writer lock is free), and with `builds`
    (only under the build lock) unfinished build folders and half-written pointer files."""
    root = Path(index_dir)
    removed: list[str] = []
    if builds:
        live = current_dir(root)
        for path in root.glob("build-*"):
            if path.is_dir() and path != live and not (path / MARKER).exists():
                shutil.rmtree(path, ignore_errors=True)
                removed.append(path.name)
        for path in root.glob(".*.tmp"):
            path.unlink(missing_ok=True)
            removed.append(path.name)
    live = current_dir(root)
    if live is None or not whoosh_index.exists_in(str(live)):
        return removed
    ix = whoosh_index.open_dir(str(live))
    lock = ix.lock("WRITELOCK")
    if not lock.acquire(False):
        return removed  # a writer is at work: its own cleanup or the next attempt will do it
    try:
        for tmp in live.glob("*.tmp"):
            shutil.rmtree(tmp, ignore_errors=True) if tmp.is_dir() else tmp.unlink(missing_ok=True)
            removed.append(tmp.name)
        before = set(ix.storage.list())
        toc = ix._read_toc()
        whoosh_index.clean_files(ix.storage, ix.indexname, toc.generation, toc.segments)
        removed.extend(sorted(before - set(ix.storage.list())))
    finally:
        lock.release()
    return removed
