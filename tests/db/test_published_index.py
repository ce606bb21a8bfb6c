"""Published builds (issue 13): a node that builds publishes its build into the store; a node without an
index copies it (checked: size, sha256, format, a loadable snapshot) and catches up on the change log from
its marker. A damaged or foreign copy is refused and the node builds from the store instead."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select, update

from locator.config import Config
from locator.models import PublishedIndex, PublishedIndexChunk
from locator.search import index, published
from locator.search.query import SearchQuery
from locator.services import Services
from locator.store import apply_partner, last_change_id
from tests.factories import partner_data

OPENED: list[Services] = []


@pytest.fixture(autouse=True)
def _close_services(fresh_db):
    yield
    while OPENED:
        OPENED.pop().locator.close()


def node(db, index_dir: Path, **overrides) -> Services:
    """A one-shot node (builds or copies in the caller's thread) on `db` with its own index directory."""
    url = db.engine.url.render_as_string(hide_password=False)
    config = Config.from_env({"database_url": url, "index_dir": str(index_dir), "index_publish": True,
                              "index_poll_s": 0.2, **overrides})
    services = Services(config, db)
    OPENED.append(services)
    return services


def names(services: Services, q: str) -> list[str]:
    return [r.name for r in services.locator.search(SearchQuery(q=q, per_page=100)).results]


def publish_one(db, tmp_path) -> int:
    """A first node builds (and publishes) an index of one partner; a change follows; the published marker."""
    with db.session() as session:
        apply_partner(session, partner_data(id="P1", name="Published Partners"))
    first = node(db, tmp_path / "first")
    report = first.locator.reindex()
    assert report.seconds["publish"] > 0  # `locator reindex` says what publishing took
    with db.session() as session:
        rows = session.scalars(select(PublishedIndex)).all()
        assert [(r.marker, r.partners, r.format) for r in rows] == [(report.marker, 1, published.format_tag())]
        apply_partner(session, partner_data(id="P2", name="Later Change Consulting"))
    return report.marker


def test_a_fresh_node_copies_the_published_build_and_catches_up_on_the_change_log(fresh_db, tmp_path):
    marker = publish_one(fresh_db, tmp_path)
    fresh = node(fresh_db, tmp_path / "fresh")
    assert names(fresh, "later") == ["Later Change Consulting"]  # the change made after publishing
    assert names(fresh, "published") == ["Published Partners"]
    build = index.current_dir(tmp_path / "fresh")
    assert build is not None and index.base_marker(build) == marker  # copied: a build would start later
    assert build.name.endswith(published.COPIED)
    with fresh_db.session() as session:
        assert fresh.locator.keeper.status()["marker"] == last_change_id(session) > marker


def test_publishing_keeps_the_newest_two_builds(fresh_db, tmp_path):
    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="K1", name="Kept Builds"))
    services = node(fresh_db, tmp_path / "index")
    markers = []
    for n in range(3):
        with fresh_db.session() as session:
            apply_partner(session, partner_data(id=f"K{n + 2}", name=f"Kept Builds {n}"))
        markers.append(services.locator.reindex().marker)
    with fresh_db.session() as session:
        assert sorted(session.scalars(select(PublishedIndex.marker))) == markers[1:]
        kept = set(session.scalars(select(PublishedIndex.id)))
        assert set(session.scalars(select(PublishedIndexChunk.index_id))) == kept


def test_a_damaged_published_build_is_refused_and_the_node_builds_from_the_store(fresh_db, tmp_path, caplog):
    marker = publish_one(fresh_db, tmp_path)
    with fresh_db.session() as session:
        data = bytearray(session.scalar(select(PublishedIndexChunk.data).where(PublishedIndexChunk.seq == 0)))
        data[len(data) // 2] ^= 0xFF
        session.execute(update(PublishedIndexChunk).where(PublishedIndexChunk.seq == 0).values(data=bytes(data)))
    fresh = node(fresh_db, tmp_path / "fresh")
    assert names(fresh, "later") == ["Later Change Consulting"]
    build = index.current_dir(tmp_path / "fresh")
    assert index.base_marker(build) > marker and not build.name.endswith(published.COPIED)  # built, not copied
    assert "is not usable" in caplog.text and "sha256" in caplog.text
    assert sorted(p.name for p in (tmp_path / "fresh").iterdir() if p.name.startswith(("build-", "."))) == [
        ".build.lock", build.name]  # nothing of the refused copy is left behind


def test_a_damaged_copy_never_replaces_a_working_index(fresh_db, tmp_path):
    publish_one(fresh_db, tmp_path)
    with fresh_db.session() as session:
        session.execute(update(PublishedIndex).values(size=PublishedIndex.size + 1))  # as if a chunk were cut short
    working = index.current_dir(tmp_path / "first")
    assert published.copy(fresh_db, tmp_path / "first") is None
    assert index.current_dir(tmp_path / "first") == working and index.load_model(working) is not None


def test_a_published_build_of_another_format_is_ignored(fresh_db, tmp_path):
    marker = publish_one(fresh_db, tmp_path)
    with fresh_db.session() as session:
        session.execute(update(PublishedIndex).values(format="v4-0123456789abcdef"))
    assert published.newest(fresh_db) is None
    fresh = node(fresh_db, tmp_path / "fresh")
    assert names(fresh, "published") == ["Published Partners"]
    assert index.base_marker(index.current_dir(tmp_path / "fresh")) > marker


def test_a_published_build_ahead_of_the_store_is_not_this_stores(fresh_db, tmp_path):
    """(a store restored from an older backup, or another store's build): its marker is beyond the change log."""
    publish_one(fresh_db, tmp_path)
    with fresh_db.session() as session:
        session.execute(update(PublishedIndex).values(marker=last_change_id(session) + 1000))
    assert published.newest(fresh_db) is None


def test_a_build_that_unpacks_outside_its_directory_is_refused(fresh_db, tmp_path):
    import hashlib
    import io
    import tarfile

    publish_one(fresh_db, tmp_path)
    packed = io.BytesIO()
    with tarfile.open(fileobj=packed, mode="w:gz") as tar:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 3
        tar.addfile(info, io.BytesIO(b"bad"))
    data = packed.getvalue()
    with fresh_db.session() as session:
        session.execute(update(PublishedIndexChunk).values(data=data))
        session.execute(update(PublishedIndex).values(size=len(data), chunks=1, sha256=hashlib.sha256(data).hexdigest()))
    (tmp_path / "fresh").mkdir()
    assert published.copy(fresh_db, tmp_path / "fresh") is None
    assert not (tmp_path / "escaped.txt").exists() and index.current_dir(tmp_path / "fresh") is None


def test_a_node_without_publishing_publishes_nothing(fresh_db, tmp_path):
    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="N1", name="Not Published"))
    node(fresh_db, tmp_path / "index", index_publish=False).locator.reindex()
    with fresh_db.session() as session:
        assert session.scalars(select(PublishedIndex)).all() == []


def test_a_copy_cut_short_by_a_crash_is_cleaned_up(tmp_path):
    root = tmp_path / "index"
    (root / ".build-20260101000000-1-1-copied.copying" / "columns").mkdir(parents=True)
    assert index.clean_debris(root, builds=True) == [".build-20260101000000-1-1-copied.copying"]
    assert list(root.iterdir()) == []


def test_a_build_not_signed_with_the_nodes_secret_key_is_refused(fresh_db, tmp_path):
    """A build holds pickled records: only a node (holding the shared secret key) may publish one."""
    with fresh_db.session() as session:
        apply_partner(session, partner_data(id="S1", name="Signed Partners"))
    node(fresh_db, tmp_path / "signer", secret_key="the-nodes-key").locator.reindex()
    with fresh_db.session() as session:
        assert session.scalar(select(PublishedIndex.signature)) is not None
    assert published.copy(fresh_db, tmp_path / "other", "another-key") is None
    copied = published.copy(fresh_db, tmp_path / "same", "the-nodes-key")
    assert copied is not None and copied.name.endswith(published.COPIED)
    with fresh_db.session() as session:
        session.execute(update(PublishedIndex).values(signature=None))  # as if written by someone without the key
    assert published.copy(fresh_db, tmp_path / "unsigned", "the-nodes-key") is None
