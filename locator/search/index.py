"""The on-disk index: Whoosh segments of the analysed text plus the read-model snapshot, built
atomically from the store and kept in step with its change log.

Layout of `index_dir`:
    CURRENT              name of the live build directory (replaced atomically with os.replace)
    build-<time>-<pid>/  Whoosh segments, readmodel.pickle (the snapshot at `marker`), MARKER
The Whoosh fields hold terms analysed by locator.search.analysis (fed pre-analysed, so the build
analyses each text once); the read model holds the same terms' postings for vectorised search.

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

from sqlalchemy import select
from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.index import LockError

from locator.db import Database
from locator.models import Change
from locator.search.analysis import fold_terms, stem_terms
from locator.search.readmodel import ReadModel, doc_text, load_docs
from locator.store import last_change_id

POINTER = "CURRENT"
SNAPSHOT = "readmodel.pickle"
MARKER = "MARKER"
KEEP_BUILDS = 2  # the live one and the one before (a process may still be reading it)


def schema() -> Schema:
    pre = SpaceSeparatedTokenizer()  # values are already analysed: just split on spaces
    return Schema(
        pid=ID(stored=True, unique=True),
        name=TEXT(analyzer=pre, phrase=False, field_boost=3.0),
        text=TEXT(analyzer=pre, phrase=False),
        fold=TEXT(analyzer=pre, phrase=False),
    )


def whoosh_fields(doc: dict) -> dict[str, str]:
    name, rest = doc_text(doc)
    name_fold, rest_fold = fold_terms(name), fold_terms(rest)
    return {
        "pid": str(doc["id"]),
        "name": " ".join(stem_terms(name_fold)),
        "text": " ".join(stem_terms(rest_fold)),
        "fold": " ".join(name_fold + rest_fold),
    }


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
        writer = ix.writer(limitmb=256)
        for doc in docs:
            writer.add_document(**whoosh_fields(doc))
        writer.commit()
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
        writer.cancel()
        raise
    _write_atomic(build_dir / MARKER, str(newest))
    return newest
