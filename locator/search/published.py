"""Published builds: a node that finishes a full index build packs its build directory (gzip level 1,
about a quarter of its size) into the store, in chunks, with the change id it covers; a node without a
usable index copies the newest one of its own format instead of building (seconds instead of a minute
at 100k partners), checks it and follows the change log from there.

A copy is used only when it is whole, of this code's format and signed by a node of this deployment: its
size and sha256 match, its signature is the HMAC of these with the nodes' shared secret key (a build holds
pickled records, so only a node may publish one, not anyone who can write to the store), it unpacks to
plain files inside the new build directory, and its snapshot loads. Without a secret key (one SpatiaLite
machine) builds are neither signed nor checked. Anything else is logged and the
node builds from the store; a copy never replaces a working index (it is unpacked beside, then swapped).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import shutil
import tarfile
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sqlalchemy import delete, select

from locator.db import Database
from locator.models import PublishedIndex, PublishedIndexChunk
from locator.search import index, snapshot
from locator.search.documents import CSR_KINDS
from locator.search.fulltext import schema
from locator.search.model import ReadModel
from locator.store import last_change_id

log = logging.getLogger(__name__)

CHUNK = 8 * 1024 * 1024  # bytes per row: well under PostgreSQL's 1 GB bytea limit, and little memory per row
KEEP = 2  # the newest and the one before it (a node may be copying it right now)
_SKIP = {"MAIN_WRITELOCK"}  # Whoosh's lock file: each node makes its own
COPIED = "-copied"  # the name of a copied build directory ends so (`ls` tells copies from builds)


class Unusable(ValueError):
    """A published build that cannot be used: damaged in transit, of another format, or not of this store."""


def format_tag() -> str:
    """What a copy must match to be read by this code: the snapshot's format version and what its
    layout depends on (the filter kinds, the derived arrays, the Whoosh schema)."""
    layout = json.dumps([sorted(CSR_KINDS), list(ReadModel.DERIVED), sorted(schema().names())])
    return f"v{snapshot.VERSION}-{hashlib.sha256(layout.encode()).hexdigest()[:16]}"


@dataclass
class Published:
    id: int
    marker: int
    partners: int
    size: int
    seconds: float


def sign(key: str, format: str, marker: int, size: int, sha256: str) -> str | None:
    """The HMAC-SHA256 of what a published build is, with the nodes' secret key; None without a key."""
    if not key:
        return None
    return hmac.new(key.encode(), f"{format}|{marker}|{size}|{sha256}".encode(), hashlib.sha256).hexdigest()


# ---------------------------------------------------------------- publishing


def publish(db: Database, build_dir: Path, partners: int, key: str = "") -> Published:
    """Pack a complete build directory into the store as the newest published build; older ones but the
    one before are removed."""
    started = time.perf_counter()
    marker = index.base_marker(build_dir)
    if marker is None:
        raise Unusable(f"{build_dir} holds no snapshot")
    with tempfile.TemporaryFile(dir=build_dir.parent) as packed:
        digest, size = _pack(build_dir, packed)
        packed.seek(0)
        with db.session() as session:
            row = PublishedIndex(format=format_tag(), marker=marker, partners=partners, size=size,
                                 chunks=(size + CHUNK - 1) // CHUNK, sha256=digest,
                                 signature=sign(key, format_tag(), marker, size, digest))
            session.add(row)
            session.flush()
            for seq in range(row.chunks):
                session.add(PublishedIndexChunk(index_id=row.id, seq=seq, data=packed.read(CHUNK)))
                session.flush()  # one chunk in memory at a time
            published_id = row.id
        _remove_old(db, keep=KEEP)
    took = time.perf_counter() - started
    log.info("published the index build at change %d (%d partners, %.1f MB) in %.1f s", marker, partners,
             size / 2**20, took)
    return Published(published_id, marker, partners, size, took)


def _pack(build_dir: Path, out) -> tuple[str, int]:
    """Write the build directory's files as a gzip'd tar to `out`; (sha256, size) of what was written."""
    hashing = _Hashing(out)
    with tarfile.open(fileobj=hashing, mode="w:gz", compresslevel=1) as tar:
        for path in sorted(build_dir.rglob("*")):
            rel = path.relative_to(build_dir)
            if path.is_file() and path.name not in _SKIP and not any(p.startswith(".") for p in rel.parts):
                tar.add(path, arcname=rel.as_posix(), recursive=False)
    return hashing.sha256.hexdigest(), hashing.size


class _Hashing:
    """A write-only file that hashes and counts what goes through it."""

    def __init__(self, out):
        self.out, self.sha256, self.size = out, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self.out.write(data)

    def flush(self) -> None:
        self.out.flush()


def _remove_old(db: Database, keep: int) -> None:
    with db.session() as session:
        ids = session.scalars(select(PublishedIndex.id).order_by(PublishedIndex.id.desc())).all()
        old = ids[keep:]
        if old:  # the chunks first: SQLite does not enforce the cascade unless asked to
            session.execute(delete(PublishedIndexChunk).where(PublishedIndexChunk.index_id.in_(old)))
            session.execute(delete(PublishedIndex).where(PublishedIndex.id.in_(old)))


# ---------------------------------------------------------------- copying


def newest(db: Database) -> PublishedIndex | None:
    """The newest published build this code can read and this store can follow, or None."""
    with db.session() as session:
        store_marker = last_change_id(session)
        row = session.scalars(select(PublishedIndex).where(PublishedIndex.format == format_tag(),
                                                           PublishedIndex.marker <= store_marker)
                              .order_by(PublishedIndex.marker.desc(), PublishedIndex.id.desc()).limit(1)).first()
        if row is not None:
            session.expunge(row)
        return row


def copy(db: Database, index_dir: str | Path, key: str = "") -> Path | None:
    """Copy the newest usable published build into index_dir and make it the live build; None when
    there is none or it is unusable (logged: the caller builds from the store instead)."""
    try:
        row = newest(db)
    except Exception as exc:  # no such table yet (an older store), or the store is away: build instead
        log.warning("cannot read the published index builds (%s: %s)", type(exc).__name__, str(exc).splitlines()[0])
        return None
    if row is None:
        return None
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        build = fetch(db, row, root, key)
    except Unusable as exc:
        log.warning("the published index build %d (change %d) is not usable (%s); building from the store",
                    row.id, row.marker, exc)
        return None
    index.install(build)
    log.info("copied the published index build %d (change %d, %d partners, %.1f MB) in %.1f s", row.id, row.marker,
             row.partners, row.size / 2**20, time.perf_counter() - started)
    return build


def fetch(db: Database, row: PublishedIndex, root: Path, key: str = "") -> Path:
    """Download, check and unpack a published build into a new build directory beside the live one
    (not made live). Raises Unusable; leaves nothing behind then."""
    expected = sign(key, row.format, row.marker, row.size, row.sha256)
    if expected is not None and not hmac.compare_digest(expected, row.signature or ""):
        raise Unusable("it is not signed with this node's secret key (LOCATOR_SECRET_KEY)")
    with tempfile.TemporaryFile(dir=root) as packed:
        digest = hashlib.sha256()
        size = 0
        for seq in range(row.chunks):  # one chunk per query: one chunk in memory at a time
            with db.session() as session:
                data = session.scalar(select(PublishedIndexChunk.data).where(
                    PublishedIndexChunk.index_id == row.id, PublishedIndexChunk.seq == seq))
            if data is None:
                raise Unusable(f"chunk {seq} of {row.chunks} is missing (removed while copying?)")
            data = bytes(data)
            digest.update(data)
            size += len(data)
            packed.write(data)
        if size != row.size or digest.hexdigest() != row.sha256:
            raise Unusable(f"{size} bytes with sha256 {digest.hexdigest()[:12]}…, not {row.size} with {row.sha256[:12]}…")
        packed.seek(0)
        build = index.new_build_dir(root)
        build = build.with_name(build.name + COPIED)
        tmp = root / f".{build.name}.copying"  # (index.clean_debris removes one a crash left)
        try:
            _unpack(packed, tmp)
            if index.base_marker(tmp) != row.marker:
                raise Unusable("its snapshot is not of the change it was published at")
            os.rename(tmp, build)
            if index.load_model(build) is None:
                raise Unusable("its snapshot does not load")
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            shutil.rmtree(build, ignore_errors=True)
            raise
    return build


def _unpack(packed, target: Path) -> None:
    """Unpack regular files only, each inside `target` (no links, devices, absolute or .. paths)."""
    target.mkdir()
    try:
        with tarfile.open(fileobj=packed, mode="r:gz") as tar:
            for member in tar:
                rel = PurePosixPath(member.name)
                if not member.isfile() or rel.is_absolute() or ".." in rel.parts or not rel.parts:
                    raise Unusable(f"it holds {member.name!r}, not a plain file of a build")
                dest = target.joinpath(*rel.parts)
                dest.parent.mkdir(parents=True, exist_ok=True)
                source = tar.extractfile(member)
                with open(dest, "wb") as fh:
                    shutil.copyfileobj(source, fh, 1024 * 1024)
    except (tarfile.TarError, EOFError, OSError, ValueError) as exc:
        if isinstance(exc, Unusable):
            raise
        raise Unusable(f"it does not unpack ({type(exc).__name__}: {exc})") from None


def publish_or_log(db: Database, build_dir: Path, partners: int, key: str = "") -> Published | None:
    """publish(), logging a failure instead of raising (the build itself succeeded: it serves here)."""
    try:
        return publish(db, build_dir, partners, key)
    except Exception as exc:
        log.warning("could not publish the index build %s for other nodes (%s: %s)", build_dir.name,
                    type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "")
        return None
