"""The stored original of a justerat protokoll, and the check of the archive.

A justerat protokoll is an allmän handling that never changes (kommunallagen 8 kap. 12 §,
arkivlagen): at justering it is rendered once as PDF/A, with the names printed on it as they
were that day, and stored write-once in the tenant's files with its sha256 (DESIGN: originals
are write-once). The protokoll page, the anslagstavla, the API and the send-outs serve that
file, checked against its sha256 each time; a later change of the förbund's name, an anslag
text or a member's name changes no protokoll already justerat.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from finsam_saas.extensions import db
from finsam_saas.meetings import documents, services
from finsam_saas.meetings.models import Attachment, Meeting, Minutes, MinutesOriginal
from finsam_saas.platform.files import file_digest, read_verified, write_tenant_file
from finsam_saas.platform.models import Tenant


def _slug(row) -> str:
    return db.session.get(Tenant, row.tenant_id).slug


def store_originals(minutes: Minutes, names: dict, *, backfilled: bool = False) -> list[MinutesOriginal]:
    """Render the justerat protokoll as PDF/A (and, when it has confidential §§, the public copy
    without them), write each once under protokoll/ in the tenant's files and add their rows.
    `names`: what `services.printed_names` gave at justering. Called by `services.justera` before
    its one flush, and for a protokoll justerat before originals were kept (`backfilled`)."""
    slug = _slug(minutes)
    copies = [False] + ([True] if any(p.confidential for p in minutes.paragraphs) else [])
    rows = []
    for public in copies:
        pdf = documents.render_minutes_pdf(minutes, public=public, names=names)
        digest = hashlib.sha256(pdf).hexdigest()
        relative = f"protokoll/{minutes.id}/{'offentlig' if public else 'original'}-{digest}.pdf"
        write_tenant_file(slug, relative, pdf)
        row = MinutesOriginal(minutes_id=minutes.id, public=public, path=relative, sha256=digest, size=len(pdf),
                              printed_names=names, backfilled=backfilled)
        db.session.add(row)
        rows.append(row)
    return rows


def original(minutes: Minutes, *, public: bool = False) -> MinutesOriginal | None:
    """The stored original (or the public copy; the original when there is no public copy, i.e.
    no confidential §). None when the protokoll is not justerat or nothing is stored yet."""
    rows = {row.public: row for row in minutes.originals}
    if public and True in rows:
        return rows[True]
    return rows.get(False)


def _backfill(minutes: Minutes) -> None:
    # Justerat before this release: its rows are locked since, so the original made now is what
    # it said; the names are today's, and the row says it was made afterwards.
    try:
        store_originals(minutes, services.printed_names(minutes), backfilled=True)
        db.session.commit()
    except IntegrityError:  # another request stored it first
        db.session.rollback()
    db.session.expire(minutes, ["originals"])


def original_pdf(minutes: Minutes, *, public: bool = False) -> bytes:
    """The stored PDF/A of a justerat protokoll, as it was stored. Raises DamagedFile when the
    file is gone or changed (never served then), LookupError when the protokoll is not justerat."""
    if not minutes.justerad:
        raise LookupError("Protokollet är inte justerat.")
    if not minutes.originals:
        _backfill(minutes)
    row = original(minutes, public=public)
    return read_verified(_slug(minutes), row.path, row.sha256)


def file_name(minutes: Minutes) -> str:
    """The name a protokoll's PDF is given wherever it goes: "protokoll-styrelse-2020-10-30.pdf"."""
    return f"protokoll-{minutes.meeting.body.slug}-{minutes.meeting.date}.pdf"


def minutes_pdf(minutes: Minutes, *, public: bool = False) -> bytes:
    """What anyone asking for the protokoll gets: the stored original once justerat, a fresh
    rendering (marked not justerat) before."""
    if minutes.justerad:
        return original_pdf(minutes, public=public)
    return documents.minutes_pdf(minutes, public=public)


def attachment_pdf(attachment: Attachment) -> bytes:
    """A bilaga's file, only as it was uploaded (its sha256). Raises DamagedFile."""
    return read_verified(_slug(attachment), attachment.path, attachment.sha256)


# --- the check of the archive --------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """One justerat protokoll checked: `problems` in Swedish, empty when all holds."""

    minutes: Minutes
    problems: tuple[str, ...]
    backfilled: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems


def _file_problems(slug: str, files: list[tuple[str, str, str, str]]) -> list[str]:
    """What is wrong with stored files: (path, sha256, what it is, where to say it was)."""
    return [p for p in (_file_problem(slug, *f) for f in files) if p]


def _file_problem(slug: str, relative: str, sha256: str, what: str, where: str) -> str | None:
    found = file_digest(slug, relative)
    if found is None:
        return f"{what} saknas{where}."
    if found != sha256:
        return f"{what} har ändrats: kontrollsumman stämmer inte."
    return None


def check(minutes: Minutes) -> Check:
    """Verify one justerat protokoll: its stored original(s) are there with their sha256, its
    content hash still matches what its rows say, and its bilagor are as uploaded."""
    slug = _slug(minutes)
    if not minutes.originals:
        _backfill(minutes)
    rows = minutes.originals
    problems = _file_problems(slug, [
        (row.path, row.sha256, f"Filen för {'den offentliga kopian' if row.public else 'originalet'}", f" ({row.path})")
        for row in rows])
    names = next((r.printed_names for r in rows if not r.public and not r.backfilled), None)
    if minutes.content_hash and services.content_hash(minutes, names=names) != minutes.content_hash:
        problems.append("Protokollets innehåll i databasen stämmer inte med kontrollsumman från justeringen.")
    problems += _file_problems(slug, [(a.path, a.sha256, f"Bilaga {a.label} ({a.filename})", "")
                                      for a in minutes.meeting.bilagor])
    return Check(minutes, tuple(problems), backfilled=any(r.backfilled for r in rows))


def check_archive() -> list[Check]:
    """Every justerat protokoll of the current tenant checked (`check`), the newest first."""
    rows = db.session.scalars(
        select(Minutes).where(Minutes.justerad_on.is_not(None)).join(Meeting).order_by(Meeting.date.desc())
        .options(joinedload(Minutes.meeting).options(joinedload(Meeting.body), selectinload(Meeting.attachments)),
                 selectinload(Minutes.originals))).unique().all()
    return [check(m) for m in rows]

