"""The justering lock at the last step before the database: whatever path a change takes
(page, API, job, CLI), a justerat protokoll is never written — its §§, attendance, signers,
the uppdrag its §§ give, the meeting's day, place and times it prints, and its bilagor.

Behind it the database refuses the same (and the decisions linked to its §§) by triggers
(migration 0018), for bulk and plain SQL statements and whoever connects; their refusal comes
back here as the same RuleViolation `justerad` (409).

And the other side of an approval: a change to a protokoll not yet justerat withdraws every
approval of the earlier text when the transaction commits, whatever made the change.
"""
from __future__ import annotations

from sqlalchemy import event, inspect as sa_inspect
from sqlalchemy.engine import Engine

from finsam_saas.meetings.models import (
    Attachment, Attendee, Correction, Meeting, Minutes, MinutesOriginal, Paragraph, Signer, Task,
)
from finsam_saas.platform.rules import RuleViolation
from finsam_saas.platform.session import TenantSession
from finsam_saas.platform.tenancy import tenant_context

_PARTS = (Paragraph, Attendee, Signer)
# What of a meeting and of an uppdrag the protokoll prints (an uppdrag is still followed up,
# put on a later agenda and marked done after justering).
_MEETING_PRINTED = ("date", "end_date", "start", "end", "place", "body_id")
_TASK_PRINTED = ("paragraph_id", "assignee", "description", "due")
_TOUCHED = "meetings.touched_minutes"
WITHDRAWN = "meetings.withdrawn"  # ids of the signers whose approval this session's commits withdrew
# The marker of the database triggers' refusal (migration 0018).
DATABASE_MARKER = "justerad: "
REFUSED = "Protokollet är justerat och kan inte ändras. Rättelser görs som en rättelse bredvid originalet, eller " \
          "genom ett nytt beslut på ett senare möte."


def _was_justerad(minutes: Minutes | None) -> bool:
    if minutes is None:
        return False
    state = sa_inspect(minutes)
    if state.pending or state.transient:
        return False
    history = state.attrs.justerad_on.history
    committed = history.deleted[0] if history.deleted else (history.unchanged[0] if history.unchanged else None)
    return committed is not None


@event.listens_for(TenantSession, "before_flush")
def _refuse_changes_to_justerade_protokoll(session, flush_context, instances):
    with session.no_autoflush:
        _check(session)


def _changed(obj, keys) -> bool:
    state = sa_inspect(obj)
    return any(state.attrs[key].history.has_changes() for key in keys)


def _minutes_of(session, obj) -> Minutes | None:
    if isinstance(obj, Minutes):
        return obj
    if isinstance(obj, _PARTS):
        return obj.minutes
    if isinstance(obj, Task):
        if obj in session.dirty and not _changed(obj, _TASK_PRINTED):
            return None
        # A new task knows only its §'s id: pending objects do not load their relationships.
        paragraph = obj.paragraph or (session.get(Paragraph, obj.paragraph_id) if obj.paragraph_id else None)
        return paragraph.minutes if paragraph is not None else None
    if isinstance(obj, Meeting):
        if obj in session.new:
            return None
        if not _changed(obj, _MEETING_PRINTED):
            return None
        return obj.minutes
    if isinstance(obj, Attachment):
        meeting = obj.meeting or (session.get(Meeting, obj.meeting_id) if obj.meeting_id else None)
        return meeting.minutes if meeting is not None else None
    return None


def _check(session) -> None:
    for obj in (*session.dirty, *session.deleted):
        if isinstance(obj, (MinutesOriginal, Correction)) and (
                obj in session.deleted or session.is_modified(obj, include_collections=False)):
            raise RuleViolation("justerad", "Ett sparat original och en rättelse ändras aldrig.")
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        minutes = _minutes_of(session, obj)
        if minutes is None:
            continue
        if _was_justerad(minutes):
            raise RuleViolation("justerad", REFUSED)
        if sa_inspect(minutes).persistent or minutes in session.new:
            session.info.setdefault(_TOUCHED, set()).add(minutes)


@event.listens_for(TenantSession, "before_commit")
def _withdraw_stale_approvals(session) -> None:
    from finsam_saas.meetings.services import withdraw_stale_approvals

    session.flush()
    touched = session.info.pop(_TOUCHED, set())
    withdrawn = []
    for minutes in touched:
        if sa_inspect(minutes).deleted or sa_inspect(minutes).detached:
            continue
        # A commit may come after the code that changed the protokoll has left its tenant's context.
        with tenant_context(minutes.tenant_id):
            withdrawn += withdraw_stale_approvals(minutes)
    if withdrawn:
        session.flush()
        session.info.setdefault(WITHDRAWN, []).extend(s.id for s in withdrawn)
    session.info.pop(_TOUCHED, None)


@event.listens_for(TenantSession, "after_rollback")
def _forget(session) -> None:
    session.info.pop(_TOUCHED, None)
    session.info.pop(WITHDRAWN, None)


@event.listens_for(Engine, "handle_error")
def _refused_by_the_database(context):
    """A trigger's refusal, from a bulk or Core statement the lock above never saw: the same 409."""
    if DATABASE_MARKER in str(context.original_exception).split("\n", 1)[0]:
        return RuleViolation("justerad", REFUSED)
    return None
