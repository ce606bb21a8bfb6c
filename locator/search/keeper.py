"""The read model's owner: loads it, follows the store's change marker in a background thread, applies
deltas and rebuilds, so searches read an immutable model reference and never wait on maintenance.

Failures never reach a search that has a model: a store outage or a failing build (a full disk) is
logged once per outage, retried with exponential backoff, and the last good model keeps serving.
"""
from __future__ import annotations

import ctypes
import fcntl
import logging
import os
import threading
import time
import weakref
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.exc import DBAPIError, OperationalError

from locator import metrics
from locator.config import Config
from locator.db import Database
from locator.errors import IndexUnavailable
from locator.search import index, published
from locator.search.documents import load_docs
from locator.search.model import ReadModel
from locator.search.rebuild import build_in_child
from locator.store import last_change_id

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 30.0
FIRST_LOAD_WAIT_S = 5.0  # a search waits this long for another thread's load before it gets a 503
READY_LAG_S = 30.0  # default bound of ready(): how long a change in the store may wait to reach the model

STORE_ERRORS = (OperationalError, DBAPIError)


class Backoff:
    """Exponential retry delays after consecutive failures, logged once per run of failures."""

    def __init__(self, what: str, first_s: float, max_s: float = MAX_BACKOFF_S, log_each: bool = False):
        self.what, self.first_s, self.max_s, self.log_each = what, max(first_s, 0.05), max_s, log_each
        self.failures = 0
        self.error: str | None = None
        self.retry_at = 0.0

    @property
    def ok(self) -> bool:
        return self.failures == 0

    def waiting(self) -> bool:
        return self.failures > 0 and time.monotonic() < self.retry_at

    def retry_in(self) -> float:
        return max(0.0, self.retry_at - time.monotonic())

    def failed(self, exc: BaseException, advice: str) -> None:
        self.failures += 1
        self.error = _one_line(exc)
        delay = min(self.max_s, self.first_s * 2 ** (self.failures - 1))
        self.retry_at = time.monotonic() + delay
        if self.failures == 1 or self.log_each:
            log.error("%s failed: %s; %s; retrying with backoff (up to %.0f s)", self.what, self.error, advice,
                      self.max_s)
        else:
            log.debug("%s failed again (%d): %s; next try in %.1f s", self.what, self.failures, self.error, delay)

    def succeeded(self) -> None:
        if self.failures:
            log.warning("%s works again after %d failed attempts", self.what, self.failures)
        self.failures, self.error, self.retry_at = 0, None, 0.0


def trim_heap() -> None:
    """Hand the free pages a model load leaves in glibc's heap back to the OS (about 75 MB at 100k partners)."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


MALLOC_ARENAS = 2  # glibc's default (8 per core) gives each of a gthread worker's threads its own heap


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> None:
    """Cap glibc's malloc arenas (like MALLOC_ARENA_MAX): with one arena per request thread, each keeps
    its own free pages, about 25 MB per gunicorn worker at 100k partners. Called in the master before
    forking, so the workers inherit it."""
    try:
        ctypes.CDLL("libc.so.6").mallopt(-8, arenas)  # M_ARENA_MAX
    except (OSError, AttributeError):  # not glibc
        pass


def _one_line(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


class ModelKeeper:
    """One per process and index_dir: `current()` is the model searches read (never blocking on upkeep
    once a model is loaded); a daemon thread follows the store every `index_poll_s`."""

    def __init__(self, config: Config, db: Database):
        self.config = config
        self.db = db
        self._model: ReadModel | None = None
        self._build: Path | None = None
        self._lock = threading.Lock()  # serialises upkeep in this process, never taken by searches
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._thread_pid: int | None = None
        self._halt = threading.Event()  # stops the current follower thread only (before a fork)
        self._behind_since: float | None = None  # when the store was first seen ahead of the model
        self._building = threading.Event()  # set while this process builds an index
        self._serving = False  # start() was called: searches never wait for a build
        self._index_lost = False  # the live build left the disk (deleted, damaged) while a model serves
        poll = config.index_poll_s
        self.store = Backoff("reading the store's change log", poll)
        self.builder = Backoff(f"building the search index in {config.index_dir}", 1.0, max_s=300.0, log_each=True)
        self.segments = Backoff(f"updating the Whoosh segments in {config.index_dir}", 1.0, max_s=300.0)
        self.rebuild_delta = config.rebuild_delta

    # ------------------------------------------------------------ what searches call

    def current(self) -> ReadModel:
        if self.config.index_poll_s <= 0:  # follow the store on every search (one-shot CLI, tests)
            return self.refresh()
        model = self._model
        if model is None:
            model = self._first_model()
        self._ensure_follower()
        return model

    def status(self) -> dict[str, object]:
        """What /healthz and /readyz report: whether a model serves, its lag, the store's and builder's state."""
        model, lost, lag = self._model, self._index_lost, self.lag_s()  # read once: the follower changes them
        return {
            "model_loaded": model is not None,
            "marker": model.marker if model is not None else None,
            "lag_s": round(lag, 3),
            "ready": model is not None and not lost and lag <= READY_LAG_S,  # (ready(), from the same reads)
            "building": self._building.is_set(),
            "index_on_disk": not lost and index.intact_dir(self.config.index_dir) is not None,
            "store_ok": self.store.ok,
            "store_error": self.store.error,
            "build_ok": self.builder.ok,
            "build_error": self.builder.error,
        }

    def ready(self, max_lag_s: float = READY_LAG_S) -> bool:
        """Cheap (no I/O): a model serves and no change the store is known to hold has waited more than
        max_lag_s for it (while the store is unreachable, the lag seen last stands)."""
        return self._model is not None and not self._index_lost and self.lag_s() <= max_lag_s

    def lag_s(self) -> float:
        """Seconds since the follower first saw the store ahead of the model; 0 when in step."""
        since = self._behind_since
        return 0.0 if since is None else time.monotonic() - since

    def start(self) -> None:
        """Begin upkeep now (at a server's start): the follower maps the model, or builds the index in
        the background when there is none, so that no search waits for a build."""
        self._serving = True
        self._ensure_follower()

    def before_fork(self) -> None:
        """In a preloading server's master: stop the follower and drop the model, so that workers
        (which map their own) never inherit a thread's lock or a model the master would keep alive."""
        self._halt.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=30)
        with self._lock:
            self._model, self._build, self._thread, self._behind_since = None, None, None, None

    # ------------------------------------------------------------ upkeep

    def refresh(self) -> ReadModel:
        """Follow the change marker now, in this thread (after a write, from a test, from the CLI)."""
        with self._lock:
            if self._model is None:
                self._load_or_build()
            self._follow()
        return self._model

    def reindex(self) -> index.BuildReport:
        with self._build_lock():
            report = self._build_here()
            done = self._publish(report.path, report.partners)
            if done is not None:
                report.seconds["publish"] = done.seconds
        with self._lock:
            self._model, self._build = None, None
            self._load_or_build()
            self._follow()
        return report

    def close(self) -> None:
        """Stop the follower (waiting a while for its current round) and drop the model; never waits
        for a build in progress (the follower is a daemon thread and ends with the process)."""
        self._stop.set()
        self._halt.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self._model, self._build = None, None

    def _first_model(self) -> ReadModel:
        """The first model of this process: the snapshot on disk, mapped in the caller's thread (fast).
        Without a usable one, a serving process (start() was called) has the follower build it in the
        background and callers get IndexUnavailable (a 503 with Retry-After) meanwhile instead of a
        search that waits for a build; a one-shot process (the CLI) builds it in the caller's thread."""
        if self.builder.waiting() or (self._serving and self._building.is_set()):
            raise self._unavailable()
        if not self._acquire_for_first_model():
            raise self._unavailable()
        try:
            if self._model is None:
                try:
                    self._load_or_build(build=not self._serving)
                except STORE_ERRORS as exc:
                    self.store.failed(exc, "searches need a built index or a reachable store")
                    raise self._unavailable() from None
                if self._model is not None:
                    try:
                        self._follow()
                    except STORE_ERRORS as exc:
                        self.store.failed(exc, "searches go on from the read model")
        finally:
            self._lock.release()
        model = self._model
        if model is None:  # nothing usable on disk: the follower builds it
            self._ensure_follower()
            raise self._unavailable()
        return model

    def _acquire_for_first_model(self) -> bool:
        """The keeper's lock for a first load: a one-shot process waits; a serving one waits up to
        FIRST_LOAD_WAIT_S for the follower's load, but not once the follower turns out to be building."""
        if not self._serving:
            return self._lock.acquire()
        deadline = time.monotonic() + FIRST_LOAD_WAIT_S
        while not self._lock.acquire(timeout=0.05):
            if self._building.is_set() or self.builder.waiting() or time.monotonic() >= deadline:
                return False
        return True

    def _unavailable(self) -> IndexUnavailable:
        error = self.builder.error or self.store.error or ("being built" if self._building.is_set() else "not built yet")
        retry = max(1, round(max(self.builder.retry_in(), self.store.retry_in())))
        return IndexUnavailable(f"the search index is not available yet ({error})", retry_after=retry)

    def _load_or_build(self, build: bool = True) -> None:
        """Map the live build's model; without a usable one, build (unless not `build`)."""
        wanted = build
        build = index.current_dir(self.config.index_dir)
        model = index.load_model(build) if build is not None else None
        if model is None and build is not None:  # swapped and pruned meanwhile? take the newest
            build = index.current_dir(self.config.index_dir) or build
            model = index.load_model(build)
        if model is None and not wanted:
            return
        if model is None:  # none yet, or unreadable (older format, disk trouble): build from the store
            unusable = build  # (unless another process has built a new one meanwhile: load that)
            build = self._build_index(only_if=lambda: index.current_dir(self.config.index_dir) == unusable, copy=True)
            if build is None:
                return
            model = index.load_model(build)
        self._model, self._build, self._behind_since = model, build, None
        trim_heap()

    def _build_index(self, only_if=lambda: True, copy: bool = False) -> Path | None:
        """Build a new index (one process at a time per index_dir), or with `copy` first try to copy the
        newest build another node published; None when it failed (backing off)."""
        self._building.set()  # (also while another process builds: this one's searches answer 503 meanwhile)
        try:
            with self._build_lock():
                try:
                    built = index.current_dir(self.config.index_dir)
                    if built is None or only_if():
                        built = (copy and published.copy(self.db, self.config.index_dir, self.config.secret_key)) or self._build_now()
                except STORE_ERRORS:
                    raise
                except Exception as exc:  # OSError (full disk), MemoryError, Whoosh: the old model keeps serving
                    index.clean_debris(self.config.index_dir, builds=True)
                    disk = isinstance(exc, OSError) or getattr(exc, "errno", None) is not None
                    advice = f"check free space and permissions in {self.config.index_dir}; " if disk else ""
                    self.builder.failed(exc, advice + "searches go on from the current model")
                    return None
        finally:
            self._building.clear()
        self.builder.succeeded()
        return built

    def _build_now(self) -> Path:
        """A full build: in a child process where the database is a file or a server this process does
        not own exclusively (always, but for in-memory stores), so searches here keep their core."""
        if self.config.build_in_child and ":memory:" not in self.config.database_url:
            return build_in_child(self.config)  # (the child publishes it; the time is taken there)
        report = self._build_here()
        self._publish(report.path, report.partners)
        return report.path

    def _build_here(self) -> index.BuildReport:
        """A full build in this process, timed into locator_index_build_duration_seconds."""
        started = time.perf_counter()
        report = index.build(self.db, self.config.index_dir)
        metrics.INDEX_BUILDS.observe(time.perf_counter() - started)
        return report

    def _publish(self, build: Path, partners: int) -> published.Published | None:
        """Publish a full build for other nodes (index_publish); a failure only logs: this node has its index."""
        if not self.config.index_publish:
            return None
        return published.publish_or_log(self.db, build, partners, self.config.secret_key)

    def _follow(self) -> None:
        """Apply the store's changes since the model's marker: a delta over the model, or for a big
        change a rebuild (the delta serves meanwhile, and instead when the build fails)."""
        if self._model is None:
            return
        with self.db.session() as session:
            newest = last_change_id(session)
            if newest <= self._model.marker:
                self._behind_since = None
                self.store.succeeded()
                self._sync_segments()  # another process may have missed the writer lock
                return
            if self._behind_since is None:
                self._behind_since = time.monotonic()
            ids, newest = index.changed_partners(session, self._model.marker)
            big = len(ids) > self.rebuild_delta and not self.builder.waiting()
            if not big:
                docs = load_docs(session, ids)
        self.store.succeeded()
        if big and self._rebuild_for_delta():
            return
        if big:
            with self.db.session() as session:
                ids, newest = index.changed_partners(session, self._model.marker)
                docs = load_docs(session, ids)
        self._model = self._model.with_docs(docs, ids, newest)
        self._behind_since = None
        if ids:
            trim_heap()  # the replaced model's private arrays go back to the OS (no doubling while deltas come)
        self._sync_segments()

    def _rebuild_for_delta(self) -> bool:
        """Build a new base while the current model keeps serving; False when the build failed."""

        def stale() -> bool:
            build = index.current_dir(self.config.index_dir)
            marker = index.base_marker(build) if build is not None else None
            with self.db.session() as session:
                return marker is None or last_change_id(session) - marker > self.rebuild_delta

        return self._adopt(self._build_index(only_if=stale))

    def _adopt(self, build: Path | None) -> bool:
        """Serve a new build's model, caught up with the store's changes since its marker; False without one."""
        model = index.load_model(build) if build is not None else None
        if model is None:
            return False
        with self.db.session() as session:
            ids, newest = index.changed_partners(session, model.marker)
            if ids:
                model = model.with_docs(load_docs(session, ids), ids, newest)
        self._model, self._build, self._behind_since, self._index_lost = model, build, None, False
        trim_heap()
        return True

    def _lost_index(self) -> bool:
        """Whether the live build left the disk under this process (deleted, or its snapshot's meta
        unreadable); cheap: a stat and a small file read per poll."""
        lost = index.intact_dir(self.config.index_dir) is None
        if lost and not self._index_lost:
            log.error("the search index in %s is gone or damaged; rebuilding it while searches go on from the "
                      "model in memory", self.config.index_dir)
        self._index_lost = lost
        return lost

    def _restore_index(self) -> None:
        """Copy the published build (or build anew) while the model in memory serves, then swap to it and
        replay the changes after its marker."""
        build = self._build_index(only_if=lambda: index.intact_dir(self.config.index_dir) is None, copy=True)
        if self._adopt(build):
            log.warning("the search index in %s is restored (change %d)", self.config.index_dir, self._model.marker)

    def _sync_segments(self) -> None:
        if self._build is None or index.read_marker(self._build) >= self._model.marker or self.segments.waiting():
            return
        try:
            index.sync_segments(self.db, self.config.index_dir)
        except STORE_ERRORS:
            raise
        except Exception as exc:  # the segments serve maintenance only: searches go on from the model
            index.clean_debris(self.config.index_dir)
            self.segments.failed(exc, f"check free space in {self.config.index_dir}; searches go on from the model")
            return
        self.segments.succeeded()

    # ------------------------------------------------------------ the follower thread

    def _ensure_follower(self) -> None:
        """Start the follower in this process (again after a fork: threads do not survive it)."""
        if self._thread_pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        if self._stop.is_set():
            return
        with self._lock:
            if self._thread_pid == os.getpid() and self._thread is not None and self._thread.is_alive():
                return
            self._thread_pid = os.getpid()
            self._halt = threading.Event()
            self._thread = threading.Thread(target=_follow_loop, args=(weakref.ref(self), self._stop, self._halt),
                                            name="locator-model-keeper", daemon=True)
            self._thread.start()

    def _tick(self) -> float:
        """One round of upkeep; returns how long to sleep before the next one."""
        poll = self.config.index_poll_s
        if self.store.waiting():
            return self.store.retry_in()
        try:
            with self._lock:
                if self._model is None:
                    if self.builder.waiting():
                        return self.builder.retry_in()
                    self._load_or_build()
                elif self._lost_index() and not self.builder.waiting():
                    self._restore_index()
                self._follow()
        except STORE_ERRORS as exc:
            self.store.failed(exc, "searches go on from the read model")
            return self.store.retry_in()
        except Exception as exc:  # never let the follower die
            log.exception("search index upkeep failed: %s", _one_line(exc))
            self.store.failed(exc, "searches go on from the read model")
            return self.store.retry_in()
        return poll

    @contextmanager
    def _build_lock(self):
        """One build at a time per index_dir across processes (the others wait, then load it)."""
        root = Path(self.config.index_dir)
        root.mkdir(parents=True, exist_ok=True)
        with open(root / ".build.lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _follow_loop(ref: "weakref.ref[ModelKeeper]", stop: threading.Event, halt: threading.Event) -> None:
    """Runs until the keeper is closed, halted or garbage-collected (holding only a weak reference to it)."""
    delay = 0.0
    while not halt.wait(delay) and not stop.is_set():
        keeper = ref()
        if keeper is None:
            return
        delay = max(keeper._tick(), 0.05)
        del keeper
