"""The justering lock at the last step before the database: whatever path a change takes
(page, API, job, CLI), a justerat protokoll is never written — its §§, attendance, signers,
the uppdrag its §§ give, and the meeting's day, place and times it prints.

And the other side of an approval: a change to a protokoll not yet justerat withdraws every
approval of the earlier text when the transaction commits, whatever made the change.
"""
from __future__ import annotations

from sqlalchemy import event, inspect as sa_inspect

from finsam_saas.meetings.models import Attendee, Meeting, Minutes, Paragraph, Signer, Task
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
    return None


def _check(session) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        minutes = _minutes_of(session, obj)
        if minutes is None:
            continue
        if _was_justerad(minutes):
            raise RuleViolation("justerad", "Protokollet är justerat och kan inte ändras.")
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
