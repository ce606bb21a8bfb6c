"""The on-disk index a node searches from: the Whoosh full-text index plus the columns derived from
the store, built atomically and kept in step with the store's change log.

Layout of `index_dir`:
    CURRENT              name of the live build directory (replaced atomically with os.replace)
    build-<time>-<pid>/  Whoosh segments, columns/ and text/ (the snapshot: the model at `marker`), MARKER
A full build writes the Whoosh segment from the read model's postings (see fulltext.write_segment),
so each text is analysed once, and the snapshot of the model's arrays (snapshot.py). A node maps the
snapshot (load_model: milliseconds, shared by its processes through the page cache); when the text
part is missing or stale it reads the folded postings back from the Whoosh index, derives the
stemmed ones and writes the text part again. Then it follows the change log from the columns' marker.

Several processes share one index_dir: incremental updates of the Whoosh segments are done by
whichever process gets Whoosh's writer lock (others skip; the next poll catches up), and MARKER
says up to which change the segments are current. Every process keeps its own read model current
from the store (see keeper.ModelKeeper), so searches never wait on the shared writer. A node starting
later reads the segments as updated (a changed partner's document in a later segment, its old one
deleted) and replays the changes after the columns' marker from the store.
"""
from __future__ import annotations

import json
import logging
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sqlalchemy import select
from whoosh import index as whoosh_index
from whoosh.index import LockError

from locator.db import Database
from locator.models import Change
from locator.search.documents import load_docs
from locator.search.fulltext import read_fold, schema, whoosh_fields, write_segment
from locator.search.model import ReadModel
from locator.search.postings import Postings
from locator.search import snapshot
from locator.search.analysis import stem
from locator.store import last_change_id

log = logging.getLogger(__name__)

POINTER = "CURRENT"
MARKER = "MARKER"
KEEP_BUILDS = 2  # the live one and the one before (a process may still be reading it)


def load_model(build: Path) -> ReadModel | None:
    """The model of a build directory, its arrays memory-mapped from the snapshot; when the text part
    is missing, damaged or stale, its postings are read from the Whoosh index and written again. None
    when the columns are missing or damaged or Whoosh cannot be read (the caller builds anew)."""
    try:
        columns = snapshot.read_columns(build)
    except snapshot.Damaged as exc:
        if snapshot.exists(build):
            log.warning("the snapshot in %s cannot be used (%s); building anew", build, exc)
        return None
    try:
        text = snapshot.read_text(build, columns)
    except snapshot.Damaged as exc:
        log.warning("the text postings in %s cannot be used (%s); reading them from the Whoosh index", build, exc)
        text = text_from_whoosh(build, columns)
        if text is None:
            return None
        try:
            snapshot.write_text(build, text, columns["segment"])
            text = snapshot.read_text(build, columns)  # mapped: shared with the node's other processes
        except (OSError, snapshot.Damaged) as exc:
            log.warning("cannot write the text postings in %s (%s); searching from memory", build, exc)
    return snapshot.model_of(columns, text)


def text_from_whoosh(build: Path, columns: dict) -> dict[str, Postings] | None:
    """The fold postings of the build's Whoosh segment and the stemmed ones derived from them."""
    try:
        terms, ptr, rows, tf = read_fold(whoosh_index.open_dir(str(build)), columns["fields"]["pid"], columns["segment"])
    except Exception as exc:  # a missing or damaged Whoosh index: rebuild rather than fail searches
        log.warning("cannot read the Whoosh index in %s (%s: %s); building anew", build, type(exc).__name__, exc)
        return None
    fold = Postings.weighted(terms, ptr, rows, tf, np.asarray(columns["text_lengths"]), columns["avgdl"])
    return {"fold": fold, "stem": fold.mapped(stem)}


def base_marker(build: Path) -> int | None:
    """The change id a build's columns reflect (what a loaded model starts from), or None."""
    try:
        return int(json.loads((build / snapshot.COLUMNS / snapshot.META).read_text())["marker"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def current_dir(index_dir: str | Path) -> Path | None:
    root = Path(index_dir)
    try:
        name = (root / POINTER).read_text().strip()
    except OSError:
        return None
    path = root / name
    return path if snapshot.exists(path) else None


def intact_dir(index_dir: str | Path) -> Path | None:
    """The live build when its snapshot's meta is readable (a damaged or deleted one: None); a small file read."""
    build = current_dir(index_dir)
    return build if build is not None and base_marker(build) is not None else None


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
    build_dir = new_build_dir(root)
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
        seconds["read_model"] = time.perf_counter() - t
        t = time.perf_counter()
        segment = write_segment(whoosh_index.create_in(str(build_dir), schema()), model.pid, model.text["fold"])
        seconds["whoosh"] = time.perf_counter() - t
        t = time.perf_counter()
        snapshot.write(model, build_dir, segment)
        seconds["snapshot"] = time.perf_counter() - t
        _write_atomic(build_dir / MARKER, str(marker))
        install(build_dir)
    except BaseException:
        shutil.rmtree(build_dir, ignore_errors=True)
        raise
    return BuildReport(build_dir, len(docs), marker, seconds)


def new_build_dir(root: Path) -> Path:
    """A new, empty build directory's path in `root` (not created)."""
    return root / f"build-{time.strftime('%Y%m%d%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"


def install(build_dir: Path) -> None:
    """Make a complete build directory the live one (the pointer swapped atomically) and prune old ones."""
    _write_atomic(build_dir.parent / POINTER, build_dir.name)
    _prune(build_dir.parent, keep=build_dir.name)


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
        for path in root.glob(".build-*.copying"):  # a copy of a published build cut short (published.fetch)
            shutil.rmtree(path, ignore_errors=True)
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
