"""Partner edits under review: a partner's submission is a pending revision (the live profile is unchanged);
an admin approves it (a store write through store.apply_partner, audited) or rejects it with a reason.
Admins may also edit any partner directly and restore an earlier version from the audit trail.

Every edit is validated by the import schema (ingest.schema.validate_record) on the whole record it would
produce, so the forms and the importers accept and reject the same things. A partner may edit only
PUBLIC_FIELDS; a field outside what the editor may change is refused naming it, before anything is read.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from locator import audit
from locator.audit import Actor, same
from locator.errors import InvalidParameter, LocatorError
from locator.ingest.geocode import OfficeGeocoder
from locator.ingest.report import ImportReport
from locator.ingest.schema import PartnerIn, validate_record
from locator.models import LIST_FIELDS, Partner, Revision, utcnow
from locator.store import apply_partner, partner_record

if TYPE_CHECKING:
    from locator.geocoding import Geocoder

PUBLIC_FIELDS: tuple[str, ...] = tuple(
    f for f in ("name", "description", "website", "logo_url", "email", "phone", "types", "services", "segments",
                "languages", "industries", "countries_served", "regions_served", "offices")
    if f in PartnerIn.model_fields
)
ADMIN_FIELDS = ("track", "certifications", "published", "internal")
REASON_MAX = 2000
PENDING, APPROVED, REJECTED, SUPERSEDED = "pending", "approved", "rejected", "superseded"


class ProfileInvalid(LocatorError):
    """The edit breaks the import schema: `errors` maps each field path (offices[0].city) to its message."""

    status = 400
    code = "invalid_profile"

    def __init__(self, errors: Mapping[str, str]):
        first = next(iter(errors), None)
        super().__init__(f"{len(errors)} field(s) need attention", field=first)
        self.errors = dict(errors)


def refuse_fields(names: Iterable[str], allowed: Iterable[str]) -> None:
    """A 400 naming the first field the editor may not change (a forged form)."""
    allowed = set(allowed)
    for name in names:
        if name not in allowed:
            raise InvalidParameter(f"the field {name!r} cannot be changed here", field=name)


def keep_order(current: list[Any] | None, edited: Any) -> Any:
    """A list of codes as edited, with the ones kept in their stored order, then the added ones (a form lists its
    choices in its own order: choosing the same codes is no change)."""
    if not isinstance(edited, list) or not isinstance(current, list):
        return edited
    kept = [v for v in current if v in edited]
    return kept + [v for v in edited if v not in kept]


def validate_edit(current: Mapping[str, Any], edits: Mapping[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """The whole record `current` becomes with `edits`, normalised by the import schema, or ProfileInvalid."""
    refuse_fields(edits, allowed)
    edits = {k: keep_order(current.get(k), v) if k in LIST_FIELDS else v for k, v in edits.items()}
    report = ImportReport()
    valid = validate_record({**current, **edits}, None, report)
    if valid is None:
        errors: dict[str, str] = {}
        for problem in report.problems:
            if problem.level == "error":
                errors.setdefault(problem.field or "", problem.reason)
        raise ProfileInvalid(errors or {"": "the profile is not valid"})
    return valid


def place_offices(offices: list[dict[str, Any]], geocoder: "Geocoder | None") -> list[int]:
    """Geocode the offices without a point as an import does (ingest.geocode.OfficeGeocoder); the indexes of
    those still without one (kept, and flagged to the editor)."""
    locator = OfficeGeocoder(geocoder, ImportReport())
    for i, office in enumerate(offices):
        locator.locate(office, None, None, f"offices[{i}]")
    return [i for i, o in enumerate(offices) if o.get("lat") is None or o.get("lon") is None]


def unplaced(record: Mapping[str, Any]) -> list[int]:
    return [i for i, o in enumerate(record.get("offices") or []) if o.get("lat") is None or o.get("lon") is None]


# ---------------------------------------------------------------- the partner's side


def pending_revision(session: Session, partner_id: int) -> Revision | None:
    return session.scalar(select(Revision).where(Revision.partner_id == partner_id, Revision.status == PENDING)
                          .order_by(Revision.id.desc()))


def latest_decision(session: Session, partner_id: int) -> Revision | None:
    return session.scalar(select(Revision).where(Revision.partner_id == partner_id,
                                                 Revision.status.in_((APPROVED, REJECTED)))
                          .order_by(Revision.decided_at.desc(), Revision.id.desc()))


def revision_of(session: Session, revision_id: int, partner_id: int | None = None) -> Revision | None:
    """The revision, or None when there is none or (with `partner_id`) it belongs to another partner."""
    revision = session.get(Revision, revision_id)
    if revision is None or (partner_id is not None and revision.partner_id != partner_id):
        return None
    return revision


def submit(session: Session, partner: Partner, edits: Mapping[str, Any], actor: Actor) -> Revision | None:
    """Save the partner's edit as the pending revision (replacing one still pending); the live profile is not
    touched. None when the edit changes nothing live (a pending revision is then withdrawn)."""
    current = partner_record(partner)
    valid = validate_edit(current, edits, PUBLIC_FIELDS)
    proposed = {f: valid.get(f) for f in PUBLIC_FIELDS}
    base = {f: current.get(f) for f in PUBLIC_FIELDS}
    changed = [f for f in PUBLIC_FIELDS if not same(proposed[f], base[f])]
    session.execute(update(Revision).where(Revision.partner_id == partner.id, Revision.status == PENDING)
                    .values(status=SUPERSEDED, decided_at=utcnow()))
    if not changed:
        return None
    revision = Revision(partner_id=partner.id, status=PENDING, proposed=proposed, base=base, fields=changed,
                        submitted_by=actor.label, submitted_by_id=actor.user_id)
    session.add(revision)
    session.flush()
    found = {f: {"old": base[f], "new": proposed[f]} for f in changed}
    audit.record(session, partner.id, partner.external_id, actor, "submitted", found, revision_id=revision.id)
    return revision


def proposed_record(partner: Partner, revision: Revision | None) -> dict[str, Any]:
    """The partner's record as it would be once the revision is approved (its live record without one)."""
    record = partner_record(partner)
    if revision is not None:
        record.update({f: revision.proposed.get(f) for f in revision.fields})
    return record


# ---------------------------------------------------------------- the channel team's side


def pending(session: Session) -> list[tuple[Revision, Partner]]:
    """Pending revisions, oldest first, with their partners."""
    stmt = (select(Revision, Partner).join(Partner, Partner.id == Revision.partner_id)
            .where(Revision.status == PENDING).order_by(Revision.submitted_at, Revision.id))
    return [(r, p) for r, p in session.execute(stmt)]


def _decided(revision: Revision, status: str, actor: Actor, reason: str | None) -> None:
    if revision.status != PENDING:
        raise InvalidParameter(f"this revision is {revision.status}, not pending", field="revision")
    revision.status = status
    revision.decided_by = actor.label
    revision.decided_by_id = actor.user_id
    revision.decided_at = utcnow()
    revision.reason = reason


def approve(session: Session, revision: Revision, actor: Actor) -> Partner:
    """Write the revision's fields onto the live profile (the one write path) and mark it approved."""
    partner = session.get(Partner, revision.partner_id)
    _decided(revision, APPROVED, actor, None)
    record = proposed_record(partner, revision)
    valid = validate_edit(record, {}, ())
    return apply_partner(session, valid, partner, actor=actor, action="approved", revision_id=revision.id)


def reject(session: Session, revision: Revision, actor: Actor, reason: str) -> None:
    reason = (reason or "").replace("\r\n", "\n").strip()
    if not reason:
        raise ProfileInvalid({"reason": "say why, so the partner can fix it"})
    if len(reason) > REASON_MAX:
        raise ProfileInvalid({"reason": f"at most {REASON_MAX} characters"})
    if re.search(r"[\x00-\x08\x0b-\x1f\x7f]", reason):
        raise ProfileInvalid({"reason": "contains a control character"})
    _decided(revision, REJECTED, actor, reason)
    partner = session.get(Partner, revision.partner_id)
    found = {f: {"old": revision.base.get(f), "new": revision.proposed.get(f)} for f in revision.fields}
    audit.record(session, partner.id, partner.external_id, actor, "rejected", found, revision_id=revision.id,
                 note=reason)


def admin_edit(session: Session, partner: Partner, edits: Mapping[str, Any], actor: Actor) -> Partner:
    """An admin's direct edit of any field the admin form has: validated, then written and audited."""
    valid = validate_edit(partner_record(partner), edits, PUBLIC_FIELDS + ADMIN_FIELDS)
    return apply_partner(session, valid, partner, actor=actor, action="admin_edit")


def restore(session: Session, partner: Partner, entry_id: int, actor: Actor) -> Partner:
    """Make the partner as it was right after audit entry `entry_id` (itself a new audited change)."""
    try:
        version = audit.version_after(partner_record(partner), audit.history(session, partner.id), entry_id)
    except LookupError as exc:
        raise InvalidParameter(str(exc), field="entry") from None
    valid = validate_edit(version, {}, ())
    return apply_partner(session, valid, partner, actor=actor, action="restore",
                         note=f"restored the version after change #{entry_id}")


# ---------------------------------------------------------------- what changed, for people


@dataclass
class FieldDiff:
    name: str
    kind: str  # text | list | offices | logo | value
    old: Any
    new: Any
    segments: list[tuple[str, str]] = field(default_factory=list)  # text: (equal|delete|insert, words)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    moved_since: bool = False  # the live value changed after the partner submitted


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(op, text) runs turning `old` into `new`, word by word (whitespace kept)."""
    a, b = re.findall(r"\s+|\S+", old or ""), re.findall(r"\s+|\S+", new or "")
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("equal", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                runs.append(("delete", "".join(a[i1:i2])))
            if j2 > j1:
                runs.append(("insert", "".join(b[j1:j2])))
    return runs


def field_diffs(live: Mapping[str, Any], revision: Revision) -> list[FieldDiff]:
    """Each field the revision changes: the live value (what approving replaces) and the proposed one."""
    diffs = []
    for name in revision.fields:
        old, new = live.get(name), revision.proposed.get(name)
        diff = FieldDiff(name, _kind(name), old, new, moved_since=not same(old, revision.base.get(name)))
        if diff.kind == "text":
            diff.segments = word_diff(old or "", new or "")
        elif diff.kind == "list":
            diff.added = [v for v in new or [] if v not in (old or [])]
            diff.removed = [v for v in old or [] if v not in (new or [])]
        diffs.append(diff)
    return diffs


def _kind(name: str) -> str:
    if name == "description":
        return "text"
    if name == "offices":
        return "offices"
    if name == "logo_url":
        return "logo"
    if name in ("types", "services", "segments", "languages", "industries", "countries_served", "regions_served"):
        return "list"
    return "value"
