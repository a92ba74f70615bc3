"""The justering lock at the last step before the database: whatever path a
change takes (page, API, job, CLI), a justerat protokoll is never written."""
from __future__ import annotations

from sqlalchemy import event, inspect as sa_inspect

from finsam_saas.meetings.models import Attendee, Minutes, Paragraph, Signer
from finsam_saas.platform.rules import RuleViolation
from finsam_saas.platform.session import TenantSession

_PARTS = (Paragraph, Attendee, Signer)


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


def _check(session) -> None:
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Minutes):
            minutes = obj
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue
        elif isinstance(obj, _PARTS):
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            minutes = obj.minutes
        else:
            continue
        if _was_justerad(minutes):
            raise RuleViolation("justerad", "Protokollet är justerat och kan inte ändras.")
