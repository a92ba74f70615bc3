"""The rules of meetings as plain functions: the agenda (from `meetings.agenda`), § numbering,
attendance and quorum, votes, justering and anslag, and the tasks decisions give.

This module is what other modules, views, the API, jobs and the CLI call. Every function
works in the current tenant (the ORM wall sees to that) and raises InvalidInput (400) or
RuleViolation (409) with a Swedish message that names the field; nothing is written when it
raises (the caller rolls back).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload, selectinload

from finsam_saas.extensions import db
from finsam_saas.meetings import attendance
from finsam_saas.meetings.agenda import (  # noqa: F401  (the agenda's rules are part of this interface)
    DEFAULT_CLOSING, DEFAULT_OPENING, NeedsConfirmation, add_item, add_standing_item, body_by_slug, cancel_meeting,
    create_meeting, ensure_agenda_editable, ensure_standing_template, held, item_by_number, matter_for, move_item,
    move_meeting, register_closed_year_check, register_item_release, reinstate_meeting, remove_item,
    remove_standing_item, restore_item, standing_items, unsent_changes, update_item, year_closed,
)
from finsam_saas.meetings.attendance import deciding_at  # noqa: F401
from finsam_saas.meetings.calendar import JUSTERING_DAYS, anslag_removed, next_working_day
from finsam_saas.meetings.models import (
    AgendaItem, Attendee, Correction, Meeting, Minutes, Paragraph, SentAppendix, Signer, Task,
)
from finsam_saas.organisation.models import Member
from finsam_saas.platform import clock
from finsam_saas.platform.formatting import plural
from finsam_saas.platform.models import Tenant, utcnow
from finsam_saas.platform.rules import InvalidInput, RuleViolation

VOTE_CHOICES = ("yes", "no")


def meetings_of_year(year: int) -> list[Meeting]:
    """The year's meetings with their protokoll and the meeting each prepares (the mötesplan shows both)."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.date >= date(year, 1, 1), Meeting.date <= date(year, 12, 31))
        .order_by(Meeting.date, Meeting.start)
        .options(joinedload(Meeting.body), selectinload(Meeting.minutes),
                 selectinload(Meeting.prepares).joinedload(Meeting.body))
    ))


def meeting_years() -> list[int]:
    """The years that have meetings, oldest first."""
    return sorted({d.year for d in db.session.scalars(select(Meeting.date).distinct())})


def nearest_meeting_year(today: date | None = None) -> int | None:
    """The year of the meeting nearest today (the next one, or else the latest), None without meetings."""
    today = today or clock.today()
    upcoming = db.session.scalar(select(func.min(Meeting.date)).where(Meeting.date >= today))
    latest = db.session.scalar(select(func.max(Meeting.date)).where(Meeting.date < today))
    if upcoming is None and latest is None:
        return None
    if upcoming is None or (latest is not None and (today - latest) < (upcoming - today)):
        return latest.year
    return upcoming.year


# --- the protokoll ----------------------------------------------------------

def _order(meeting: Meeting) -> tuple:
    return (meeting.date, meeting.start or time.min, meeting.id)


def _check_numbering(meeting: Meeting, first: int, count: int) -> None:
    """§§ run in meeting order through the year: no earlier meeting of the body that year may
    still lack its protokoll, and no later one may already have §§ at or below ours."""
    year = meeting.date.year
    others = db.session.scalars(
        select(Meeting).where(Meeting.body_id == meeting.body_id, Meeting.id != meeting.id,
                              Meeting.date.between(date(year, 1, 1), date(year, 12, 31)),
                              Meeting.cancelled_on.is_(None))
        .options(selectinload(Meeting.minutes).selectinload(Minutes.paragraphs))
    ).all()
    body = meeting.body.name.lower()
    for other in sorted(others, key=_order):
        if _order(other) < _order(meeting) and other.minutes is None:
            which = f"Mötet {other.date}" + (f" klockan {other.start.strftime('%H.%M')}" if other.start else "")
            if other.date == meeting.date:
                which = f"Ett annat möte samma dag, {other.date}" + (
                    f" klockan {other.start.strftime('%H.%M')}" if other.start else ", skapat före det här,")
            raise RuleViolation(
                "earlier_meeting_without_minutes",
                f"{which} ({body}) har inget protokoll ännu. Paragraferna numreras i mötenas ordning under "
                f"året: skriv det mötets protokoll först, eller ställ in mötet om det inte blev av.")
        if _order(other) > _order(meeting) and other.minutes is not None and other.minutes.paragraphs:
            lowest = min(p.number for p in other.minutes.paragraphs)
            if first + count - 1 >= lowest:
                raise RuleViolation(
                    "later_meeting_has_minutes",
                    f"Det senare mötet {other.date} ({body}) har redan protokoll från § {lowest}; det här mötets §§ skulle "
                    f"få högre nummer än ett senare mötes. Ta bort det senare protokollet först, om det inte är justerat.")


def next_paragraph_number(body_id: int, year: int) -> int:
    """§§ run on through the calendar year per body and restart at 1 on 1 January."""
    last = db.session.scalar(select(func.max(Paragraph.number)).where(Paragraph.body_id == body_id, Paragraph.year == year))
    return (last or 0) + 1


def planned_numbers(meeting: Meeting) -> list[int]:
    """The §§ the meeting's protokoll will get when started now (shown on the attendance form)."""
    first = next_paragraph_number(meeting.body_id, meeting.date.year)
    return list(range(first, first + sum(1 for i in meeting.items if not i.withdrawn)))


def _members() -> dict[str, Member]:
    return {m.name: m for m in db.session.scalars(select(Member))}


def _as_attendee(name: str, present: set[str]) -> str:
    """A typed name as the attendee it means ("peter vigren " is Peter Vigren)."""
    wanted = " ".join(name.split()).casefold()
    return next((p for p in present if p.casefold() == wanted), " ".join(name.split()))


def _check_people(chair: str, secretary: str, justerare: list[str], present: set[str], *,
                  roll: bool = False) -> None:
    """The chair and at least one justerare are among the attendees. At a meeting with a roll
    (`roll`), who the meeting elected may be anyone, present among the attendees or not, and the
    justerare may wait until they are elected (`justera` refuses a protokoll without one)."""
    if not chair.strip():
        raise InvalidInput("Ange ordförande.", {"chair": "saknas"})
    if not secretary.strip():
        raise InvalidInput("Ange sekreterare.", {"secretary": "saknas"})
    if not roll and chair.strip() not in present:
        raise InvalidInput(f"Ordföranden {chair} finns inte bland deltagarna.", {"chair": "inte närvarande"})
    if not justerare and not roll:
        raise InvalidInput("Ange minst en justerare.", {"justerare": "saknas"})
    for index, name in enumerate(justerare):
        if not roll and name.strip() not in present:
            raise InvalidInput(f"Justeraren {name} finns inte bland deltagarna.", {f"justerare[{index}]": "inte närvarande"})
        if name.strip() == chair.strip():
            raise InvalidInput("Ordföranden kan inte också vara justerare.", {f"justerare[{index}]": "är ordförande"})
    if len({n.strip() for n in justerare}) != len(justerare):
        raise InvalidInput("Samma justerare står två gånger.", {"justerare": "dubblett"})


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _as_elected(roll: attendance.Roll, chair: str, secretary: str, justerare: list[str]) -> tuple[str, str, list[str]]:
    """The people the meeting elected, once entered (`Roll.elected`): what is posted must be
    them or nothing. Raises InvalidInput naming the field that names someone else."""
    elected = roll.elected
    if elected is None:
        return chair, secretary, justerare
    for field, label, posted, chosen in (("chair", "ordförande", chair, elected.chair),
                                         ("secretary", "sekreterare", secretary, elected.secretary)):
        if posted.strip() and not _same_name(posted, chosen):
            raise InvalidInput(f"Mötet valde {chosen} till {label}, inte {posted.strip()}. Ändra mötets val där de förs "
                               "in, så följer protokollet med.", {field: "vald av mötet"})
    if justerare and (len(justerare) != len(elected.justerare)
                      or not all(_same_name(a, b) for a, b in zip(justerare, elected.justerare))):
        raise InvalidInput(f"Mötet valde {' och '.join(elected.justerare)} till justerare. Ändra mötets val där de förs "
                           "in, så följer protokollet med.", {"justerare": "valda av mötet"})
    return elected.chair, elected.secretary, list(elected.justerare)


def _set_people(minutes: Minutes, meeting: Meeting, *, chair: str, secretary: str, justerare: list[str],
                attendees: list[dict], numbers: list[int], roll: attendance.Roll | None = None) -> None:
    """Attendance and signers, checked against the register and the seats, or against the
    meeting's roll of ombud and the functionaries it elected (raises InvalidInput)."""
    rows, snapshot = attendance.parse(attendees, body=meeting.body, day=meeting.date, members=_members(),
                                      numbers=numbers, roll=roll)
    if roll is not None:
        chair, secretary, justerare = _as_elected(roll, chair, secretary, justerare)
    present = {row["name"] for row in rows}
    chair, justerare = _as_attendee(chair, present), [_as_attendee(name, present) for name in justerare]
    _check_people(chair, secretary, justerare, present, roll=roll is not None)
    minutes.chair, minutes.secretary, minutes.ordinarie = chair.strip(), secretary.strip(), snapshot
    minutes.attendees.clear()
    # Signers who stay keep their row: an approval they gave is then withdrawn (and they are told)
    # because the text changed, rather than vanishing with a row.
    wanted = [(chair.strip(), "ordforande")] + [(name.strip(), "justerare") for name in justerare]
    kept = {(s.name, s.role): s for s in minutes.signers if (s.name, s.role) in wanted}
    for signer in [s for s in minutes.signers if (s.name, s.role) not in kept]:
        minutes.signers.remove(signer)
    db.session.flush()
    for row in attendance.strip_private(rows):
        minutes.attendees.append(Attendee(minutes_id=minutes.id, **row))
    for position, (name, role) in enumerate(wanted):
        signer = kept.get((name, role))
        if signer is None:
            minutes.signers.append(Signer(minutes_id=minutes.id, name=name, role=role, position=position))
        else:
            signer.position = position
    db.session.flush()
    attendance.check(minutes, rows, numbers, meeting.body.ordinarie_seats)


def start_minutes(meeting: Meeting, *, chair: str, secretary: str, justerare: list[str],
                  attendees: list[dict], first_number: int | None = None) -> Minutes:
    """Start the protokoll from the agenda: one § per item (not those that utgår), numbered on
    from the body's last § of the year, with each item's förslag till beslut as its beslut.

    `first_number` continues a series kept on paper before this system (the year's earlier
    §§ are not here); it may not go back to numbers already used. Raises RuleViolation when an
    earlier meeting of the body that year has no protokoll (the §§ would run out of order).

    At a meeting with a roll (`attendance.register_roll`: NNS's medlemsmöte) the beslutande are
    the ombud present (`attendees` with the role "ombud", each on the roll), the chair, secretary
    and justerare are those the meeting elected once entered (until then the justerare may wait),
    and the module that keeps the roll is told the protokoll has started (`Roll.started`).
    """
    if meeting.minutes is not None:
        raise RuleViolation("minutes_exist", "Mötet har redan ett protokoll.")
    if meeting.cancelled:
        raise RuleViolation("cancelled", f"Mötet {meeting.date} är inställt och får inget protokoll.")
    if meeting.date > clock.today():
        raise RuleViolation("not_held", f"Mötet {meeting.date} har inte hållits än; protokollet skrivs på mötesdagen "
                                        "eller efter den.")
    items = [i for i in meeting.items if not i.withdrawn]
    if not items:
        raise InvalidInput("Mötet har ingen dagordning att skriva protokoll från.", {"items": "saknas"})
    year = meeting.date.year
    number = next_paragraph_number(meeting.body_id, year)
    if first_number is not None:
        if first_number < number:
            raise InvalidInput(f"§ {first_number} är redan använd {year}; nästa lediga är § {number}.",
                               {"first_number": "redan använd"})
        number = first_number
    _check_numbering(meeting, number, len(items))
    minutes = Minutes(meeting_id=meeting.id, chair=chair.strip(), secretary=secretary.strip())
    db.session.add(minutes)
    meeting.minutes = minutes  # one object seen from both sides, in this session too
    db.session.flush()
    numbers = list(range(number, number + len(items)))
    for offset, item in enumerate(items):
        minutes.paragraphs.append(Paragraph(
            minutes_id=minutes.id, body_id=meeting.body_id, year=year, number=number + offset,
            item_number=item.number, title=item.title, kind=item.kind, confidential=item.confidential,
        ))
    roll = attendance.roll_of(meeting)
    _set_people(minutes, meeting, chair=chair, secretary=secretary, justerare=justerare, attendees=attendees,
                numbers=numbers, roll=roll)
    for p, item in zip(minutes.paragraphs, items):
        if item.proposal and quorum_at(minutes, p.number, p).ok:
            p.decision = item.proposal  # the förslag till beslut, to be corrected where the board decided otherwise
    db.session.flush()
    if roll is not None:
        roll.started(minutes)
    return minutes


def attendees_as_posted(minutes: Minutes) -> list[dict]:
    """The protokoll's attendance as `update_attendance` takes it, to save it again unchanged."""
    return [{"name": a.name, "role": a.role, "member": a.member.name if a.member is not None else None,
             "title": a.title, "serving": a.serving if a.role == "ersattare" and not a.serving else None,
             "from": a.from_number, "to": a.to_number} for a in minutes.attendees]


def update_attendance(minutes: Minutes, *, chair: str, secretary: str, justerare: list[str],
                      attendees: list[dict] | None = None) -> Minutes:
    """Correct who attended, the chair, the secretary or the justerare until justering
    (`attendees` None: the attendance stays as it is). At a meeting with a roll, the ombud present
    are checked against it, and once the meeting's elections are entered the chair, secretary
    and justerare are those elected (`attendance.Roll`). Approvals given to the earlier text are
    withdrawn (the text changed). Raises RuleViolation `justerad`, InvalidInput naming the field."""
    ensure_editable(minutes)
    meeting = minutes.meeting
    if attendees is None:
        attendees = attendees_as_posted(minutes)
    _set_people(minutes, meeting, chair=chair, secretary=secretary, justerare=justerare, attendees=attendees,
                numbers=[p.number for p in minutes.paragraphs], roll=attendance.roll_of(meeting))
    names = {a.name for a in minutes.attendees}
    for p in minutes.paragraphs:
        for person in [*p.recused, *p.reservations]:
            if person not in names:
                raise InvalidInput(f"{person} står i § {p.number} (jäv eller reservation) men inte bland deltagarna.",
                                   {"attendees": f"{person} saknas"})
    db.session.flush()
    return minutes


def discard_minutes(minutes: Minutes) -> None:
    """Throw away a protokoll started by mistake; the agenda can be changed again. Not once
    justerat, nor while another module's decision or an uppdrag hangs on one of its §§."""
    ensure_editable(minutes)
    ids = [p.id for p in minutes.paragraphs]
    if ids and db.session.scalar(select(func.count()).select_from(Task).where(Task.paragraph_id.in_(ids))):
        raise RuleViolation("has_tasks", "Protokollet har uppdrag; ta bort dem först.")
    for check in DISCARD_CHECKS:
        check(ids)
    meeting = minutes.meeting
    db.session.delete(minutes)
    meeting.minutes = None
    db.session.flush()


# Modules whose decisions hang on §§ refuse a discard (raise RuleViolation): fn(paragraph ids).
DISCARD_CHECKS: list[Callable[[list[int]], None]] = []


def register_discard_check(check: Callable[[list[int]], None]) -> None:
    DISCARD_CHECKS.append(check)


# Modules whose matters are decided in a § say what of theirs a protokoll claims decided but
# nobody registered, before it is locked for ever: fn(minutes) -> ["Ansökan Vuxentorget (§ 5)"].
JUSTERING_CHECKS: list[Callable[[Minutes], list[str]]] = []


def register_justering_check(check: Callable[[Minutes], list[str]]) -> None:
    JUSTERING_CHECKS.append(check)


# Modules that run something at the meeting which must end before the protokoll is locked (an
# open poll of a medlemsmöte) say why it cannot be justerat yet: fn(minutes) -> message or None.
JUSTERING_BLOCKERS: list[Callable[[Minutes], str | None]] = []


def register_justering_blocker(blocker: Callable[[Minutes], str | None]) -> None:
    JUSTERING_BLOCKERS.append(blocker)


def justering_blocked(minutes: Minutes) -> list[str]:
    """Why the protokoll cannot be justerat yet, one sentence per reason (`register_justering_blocker`)."""
    return [why for blocker in JUSTERING_BLOCKERS if (why := blocker(minutes))]


def stated_decisions(minutes: Minutes) -> dict[int, Paragraph]:
    """{agenda item id: its §} for the items whose § has a beslut written: what the protokoll
    says was decided, for a module to compare with the decisions it has registered."""
    numbers = {i.number: i.id for i in minutes.meeting.items}
    return {numbers[p.item_number]: p for p in minutes.paragraphs
            if p.decision.strip() and p.item_number in numbers}


def undecided_matters(minutes: Minutes) -> list[str]:
    """The matters of other modules on the meeting's agenda whose § has a beslut written, but
    whose decision was never registered where it counts (an ansökan, a budget)."""
    return [what for check in JUSTERING_CHECKS for what in check(minutes)]


def ensure_editable(minutes: Minutes) -> None:
    if minutes.justerad:
        raise RuleViolation("justerad", "Protokollet är justerat och kan inte ändras. Ett beslut ändras genom ett nytt "
                                        "beslut på ett senare möte; ett uppenbart skrivfel rättas med en rättelse bredvid "
                                        "originalet.")


def paragraph(minutes: Minutes, number: int) -> Paragraph:
    found = next((p for p in minutes.paragraphs if p.number == number), None)
    if found is None:
        numbers = [p.number for p in minutes.paragraphs]
        span = f"§ {numbers[0]}–{numbers[-1]}" if numbers else "inga §§"
        raise InvalidInput(f"§ {number} finns inte i protokollet ({span}).", {"number": "finns inte"})
    return found


@dataclass(frozen=True)
class Quorum:
    present: int
    required: int

    @property
    def ok(self) -> bool:
        return self.present >= self.required


def quorum_required(body) -> int:
    """Beslutande needed for a quorum: more than half of the ordinarie seats (KL 6:27); 0 for a
    body without a number of seats."""
    return body.quorum if body.ordinarie_seats else 0


def quorum_at(minutes: Minutes, number: int, paragraph_: Paragraph | None = None) -> Quorum:
    """More than half of the ordinarie seats filled by ledamöter or serving ersättare (KL 6:27)."""
    return Quorum(len(deciding_at(minutes, number, paragraph_)), quorum_required(minutes.meeting.body))


def _require_quorum(minutes: Minutes, p: Paragraph) -> None:
    quorum = quorum_at(minutes, p.number, p)
    if not quorum.ok:
        raise RuleViolation(
            "no_quorum",
            f"§ {p.number} kan inte beslutas: {quorum.present} beslutande närvarande, {quorum.required} krävs "
            f"(mer än hälften av {minutes.meeting.body.ordinarie_seats} ordinarie platser).",
        )


def _people(minutes: Minutes, field: str, people: list[str], number: int) -> list[str]:
    names = {a.name for a in minutes.attendees}
    cleaned = []
    for person in people:
        person = person.strip()
        if person and person not in names:
            raise InvalidInput(f"{person} (§ {number}) finns inte bland deltagarna.", {field: f"{person} inte närvarande"})
        if person and person not in cleaned:
            cleaned.append(person)
    return cleaned


def update_paragraph(minutes: Minutes, number: int, *, text: str | None = None, decision: str | None = None,
                     recused: list[str] | None = None, reservations: list[str] | None = None,
                     confidential: bool | None = None) -> Paragraph:
    """Write a §: text, beslut, jäv (who left), reservations, sekretess. Raises InvalidInput
    naming the person who is not among the attendees or did not take part in the decision."""
    ensure_editable(minutes)
    p = paragraph(minutes, number)
    if recused is not None:
        p.recused = _people(minutes, "recused", recused, number)
    if reservations is not None:
        reservations = _people(minutes, "reservations", reservations, number)
        deciding = {a.name for a in deciding_at(minutes, number, p)}
        for person in reservations:
            if person not in deciding:
                raise InvalidInput(f"{person} deltog inte i beslutet i § {number} och kan inte reservera sig.",
                                   {"reservations": person})
        p.reservations = reservations
    if text is not None:
        p.text = text.strip()
    if confidential is not None:
        p.confidential = bool(confidential)
    if decision is not None:
        if decision.strip() and decision.strip() != p.decision:
            _require_quorum(minutes, p)
        p.decision = decision.strip()
    if p.vote and len(deciding_at(minutes, number, p)) < p.vote["yes"] + p.vote["no"] + p.vote["abstain"]:
        raise InvalidInput(f"Voteringen i § {number} har fler röster än de beslutande som nu är kvar; ändra voteringen först.",
                           {"recused": "fler röster än beslutande"})
    db.session.flush()
    return p


PARAGRAPH_FIELDS = ("text", "decision", "recused", "reservations", "confidential")
CHANGED_ELSEWHERE = "ändrad av någon annan sedan sidan öppnades"


def paragraph_fingerprint(fields: dict) -> str:
    """A short digest of a §'s editable fields as a page shows them ({text, decision, recused,
    reservations, confidential}), to tell on save whether the § changed elsewhere meanwhile."""
    values = [(fields.get("text") or "").strip(), (fields.get("decision") or "").strip(),
              [n.strip() for n in fields.get("recused") or [] if n.strip()],
              [n.strip() for n in fields.get("reservations") or [] if n.strip()], bool(fields.get("confidential"))]
    return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()[:16]


def fields_of(p: Paragraph) -> dict:
    return {"text": p.text, "decision": p.decision, "recused": p.recused, "reservations": p.reservations,
            "confidential": p.confidential}


def save_protokoll(minutes: Minutes, paragraphs: dict[int, dict], seen: dict[int, str] | None = None) -> list[Paragraph]:
    """Save every § of the editor at once: {number: {text, decision, recused, reservations, confidential}}.

    With `seen` ({number: paragraph_fingerprint as the page showed it}) a § the person did not
    touch is left as it now is, and one they changed that someone else changed meanwhile (another
    tab, another person) is refused rather than overwritten. Each § is checked; all errors are
    gathered into one InvalidInput (or RuleViolation `changed_elsewhere`) whose fields name the §
    ("p52.reservations"), so the page can show each beside its field. The caller rolls back on
    error: nothing is saved unless everything is right.
    """
    ensure_editable(minutes)
    errors: dict[str, str] = {}
    messages: list[str] = []
    conflicts: list[int] = []
    saved = []
    for number, fields in sorted(paragraphs.items()):
        unknown = set(fields) - set(PARAGRAPH_FIELDS)
        if unknown:
            raise InvalidInput(f"§ {number}: okända fält {', '.join(sorted(unknown))}.", {f"p{number}": "okänt fält"})
        if seen is not None and number in seen:
            current = paragraph_fingerprint(fields_of(paragraph(minutes, number)))
            if paragraph_fingerprint(fields) == seen[number]:
                continue  # not touched here: whatever it now says stays
            if current != seen[number]:
                conflicts.append(number)
                errors[f"p{number}.text"] = CHANGED_ELSEWHERE
                continue
        try:
            saved.append(update_paragraph(minutes, number, **fields))
        except (InvalidInput, RuleViolation) as error:
            messages.append(error.message)
            for key, value in (error.fields or {"decision": error.message}).items():
                errors[f"p{number}.{key.split('.')[-1]}"] = value if error.fields else error.message
    if conflicts:
        listing = ", ".join(f"§ {n}" for n in conflicts)
        raise RuleViolation("changed_elsewhere", f"{listing} har ändrats av någon annan (eller i en annan flik) sedan "
                            "sidan öppnades. Inget är sparat. Det du skrev står kvar; jämför med texten som nu gäller "
                            "(under varje sådan §) och spara igen.", errors)
    if errors:
        raise InvalidInput(" ".join(messages), errors)
    return saved


def record_vote(minutes: Minutes, number: int, *, yes: int, no: int, abstain: int = 0,
                chair_vote: str | None = None, presiding: str | None = None) -> dict:
    """Count a vote; on a tie the casting vote (ordförandes utslagsröst) of whoever presides at
    the § decides [001] — the protokoll's chair unless `presiding` names another beslutande (the
    chair jävig or away). yes + no + abstain may not exceed the beslutande at the § (InvalidInput)."""
    ensure_editable(minutes)
    p = paragraph(minutes, number)
    for field, value in (("yes", yes), ("no", no), ("abstain", abstain)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise InvalidInput(f"{field} måste vara ett heltal ≥ 0.", {field: "inte ett heltal ≥ 0"})
    _require_quorum(minutes, p)
    deciding = deciding_at(minutes, number, p)
    if yes + no + abstain > len(deciding):
        raise InvalidInput(
            f"{yes + no + abstain} röster är fler än de {len(deciding)} beslutande som är närvarande vid § {number}.",
            {"yes": "fler röster än beslutande"},
        )
    if chair_vote is not None and chair_vote not in VOTE_CHOICES:
        raise InvalidInput("Ordförandens röst ska vara yes eller no.", {"chair_vote": "yes eller no"})
    casting = yes == no
    if casting and chair_vote is None:
        raise InvalidInput(f"Omröstningen blev {yes}–{no}: ange ordförandens utslagsröst.", {"chair_vote": "krävs vid lika röstetal"})
    presiding = (presiding or minutes.chair).strip()
    if casting and presiding not in {a.name for a in deciding}:
        why = "anmälde jäv" if presiding in p.recused else "är inte beslutande vid paragrafen"
        raise InvalidInput(f"{presiding} {why} och kan inte avgöra § {number} med utslagsröst. Ange vem som var "
                           "ordförande vid paragrafen.", {"presiding": f"{presiding} deltar inte"})
    outcome = chair_vote if casting else ("yes" if yes > no else "no")
    p.vote = {"yes": yes, "no": no, "abstain": abstain, "chair_vote": chair_vote if casting else None,
              "outcome": outcome, "casting_vote": casting}
    if casting and presiding != minutes.chair:
        p.vote["presiding"] = presiding
    db.session.flush()
    return {"outcome": outcome, "casting_vote": casting}


def remove_vote(minutes: Minutes, number: int) -> Paragraph:
    """Take away a vote registered by mistake."""
    ensure_editable(minutes)
    p = paragraph(minutes, number)
    p.vote = None
    db.session.flush()
    return p


def vote_sentence(vote: dict) -> str:
    """The protokoll's wording, as in seed 001: "Styrelsen voterade i frågan med utfallet 2-2. …"."""
    text = f"Styrelsen voterade i frågan med utfallet {vote['yes']}-{vote['no']}"
    if vote.get("abstain"):
        text += f" ({vote['abstain']} avstod)"
    text += "."
    if vote.get("casting_vote"):
        won = "bifölls" if vote["outcome"] == "yes" else "avslogs"
        text += f" Ordförandes utslagsröst gjorde att förslaget {won}."
    else:
        text += " Förslaget bifölls." if vote["outcome"] == "yes" else " Förslaget avslogs."
    return text


def record_decision(paragraph_: Paragraph, text: str, *, agenda_item_id: int | None, what: str) -> Paragraph:
    """A decision made through another module (an ansökan, a budget) written into its §, in the
    seeds' words. Only in a § of the meeting that had the matter on its agenda, before justering,
    with a quorum at the §. `what` names the matter in the errors ("Ansökan Ungdomstorget").
    The text goes into the § as its beslut, or after what the § already decides."""
    minutes = paragraph_.minutes
    ensure_editable(minutes)
    if agenda_item_id is None:
        raise RuleViolation("not_on_agenda", f"{what} står inte på något mötes dagordning. Lägg den på dagordningen "
                                             "för mötet som ska besluta, och besluta i en § av det mötets protokoll.")
    item = db.session.get(AgendaItem, agenda_item_id)
    if item is None or item.meeting_id != minutes.meeting_id:
        on = f" för mötet {item.meeting.date}" if item is not None else ""
        raise RuleViolation("not_on_agenda", f"{what} står på dagordningen{on}, inte för mötet {minutes.meeting.date} "
                                             f"där § {paragraph_.number} hör hemma.", {"paragraph": "fel möte"})
    _require_quorum(minutes, paragraph_)
    existing = paragraph_.decision.strip()
    if existing == text or text in existing.split("\n"):
        return paragraph_
    own_item = paragraph_.item_number == item.number
    # The § of the matter's own item had its förslag till beslut filled in: the decision replaces it.
    if not existing or (own_item and existing == item.proposal.strip()):
        paragraph_.decision = text
    else:
        paragraph_.decision = f"{existing}\n{text}"
    db.session.flush()
    return paragraph_


def paragraph_of_item(item: AgendaItem) -> Paragraph | None:
    """The § an agenda item became, once the protokoll is started."""
    minutes = item.meeting.minutes
    if minutes is None:
        return None
    return next((p for p in minutes.paragraphs if p.item_number == item.number), None)


# --- what later modules hang on a § ----------------------------------------------

@dataclass(frozen=True)
class ParagraphLinks:
    """What a module that builds on meetings hangs on a § (insatser: the applications decided in it).
    Meetings never imports such modules; they register here."""

    load: Callable[[], object]  # a loader option for Paragraph: it comes with the §§, in their query
    links: Callable[[Paragraph], list[tuple[str, str]]]  # (text, url or "") from a § so loaded


PARAGRAPH_LINKS: list[ParagraphLinks] = []


def register_paragraph_links(provider: ParagraphLinks) -> None:
    PARAGRAPH_LINKS.append(provider)


def paragraph_link_loads() -> list:
    return [provider.load() for provider in PARAGRAPH_LINKS]


def paragraph_links(paragraphs: list[Paragraph]) -> dict[int, list[tuple[str, str]]]:
    """The links of each § (by id), from §§ loaded with `paragraph_link_loads()`."""
    links: dict[int, list[tuple[str, str]]] = {}
    for paragraph in paragraphs:
        if rows := [row for provider in PARAGRAPH_LINKS for row in provider.links(paragraph)]:
            links[paragraph.id] = rows
    return links


@dataclass(frozen=True)
class GeneratedAppendix:
    """A bilaga a module makes from its own data for a meeting's kallelse (economy: the decision room).

    `applies_to` must be cheap: the meeting page asks it to link the bilaga. `context_for` does
    the work, only when the bilaga is opened or the kallelse printed."""
    slug: str
    title: str
    template: str
    applies_to: Callable[[Meeting], bool]
    context_for: Callable[[Meeting], dict]


# Registered by the modules that build on meetings; meetings never imports them.
GENERATED_APPENDICES: list[GeneratedAppendix] = []


def register_notice_appendix(appendix: GeneratedAppendix) -> None:
    GENERATED_APPENDICES.append(appendix)


def generated_appendices(meeting: Meeting) -> list[GeneratedAppendix]:
    return [appendix for appendix in GENERATED_APPENDICES if appendix.applies_to(meeting)]


def generated_appendix(meeting: Meeting, slug: str) -> GeneratedAppendix | None:
    return next((a for a in generated_appendices(meeting) if a.slug == slug), None)


def bilagor_text(meeting: Meeting) -> str:
    """"3 bilagor": the uploaded bilagor and the generated ones, all of which go with the kallelse."""
    return plural(len(meeting.bilagor) + len(generated_appendices(meeting)), "bilaga", "bilagor")


def freeze_appendices(meeting: Meeting, sent_with: str) -> None:
    """Store each generated bilaga's content as it goes out with the kallelse (`sent_with`
    "kallelse") or an ändring i föredragningslistan ("andring:<first change id>"), so that the sent
    kallelse never changes afterwards. A retried send-out keeps what its first try stored once any
    message of it was handed over (a worker that died mid-send-out: those who got it and those who
    get it now read the same bilaga), and computes it again only when nothing went out."""
    from finsam_saas.platform.dispatch import delivered

    stored = {row.slug: row for row in db.session.scalars(
        select(SentAppendix).where(SentAppendix.meeting_id == meeting.id, SentAppendix.sent_with == sent_with))}
    went_out = (meeting.notice_sent_at is not None or sent_with != "kallelse"
                or any(d.state in ("sending", "sent") for d in delivered(f"meeting:{meeting.id}:kallelse").values()))
    for appendix in generated_appendices(meeting):
        row = stored.get(appendix.slug)
        if row is not None and went_out:
            continue
        context = appendix.context_for(meeting)
        if row is None:
            row = SentAppendix(meeting_id=meeting.id, slug=appendix.slug, sent_with=sent_with)
            db.session.add(row)
        row.made_on, row.context = clock.today(), context
    db.session.flush()


def sent_appendix(meeting: Meeting, slug: str) -> SentAppendix | None:
    """The generated bilaga as last sent (None before the kallelse is sent)."""
    if meeting.notice_sent_at is None:
        return None
    return db.session.scalar(select(SentAppendix).where(SentAppendix.meeting_id == meeting.id, SentAppendix.slug == slug)
                             .order_by(SentAppendix.id.desc()).limit(1))


def appendix_content(meeting: Meeting, appendix: GeneratedAppendix) -> tuple[dict, SentAppendix | None]:
    """A generated bilaga's content: as last sent once the kallelse is sent, else computed now."""
    sent = sent_appendix(meeting, appendix.slug)
    return (sent.context, sent) if sent is not None else (appendix.context_for(meeting), None)


def notice_appendices(meeting: Meeting) -> list[tuple[str, str, dict]]:
    """Each generated bilaga with its content, as the kallelse prints them (as sent, once sent)."""
    return [(a.title, a.template, appendix_content(meeting, a)[0]) for a in generated_appendices(meeting)]


# --- justering and anslag ---------------------------------------------------
# --- justering and anslag ---------------------------------------------------

def _content(minutes: Minutes, tasks: list[Task] | None = None) -> dict:
    meeting = minutes.meeting
    return {
        "body": meeting.body.slug, "date": meeting.date.isoformat(), "place": meeting.place,
        "end_date": meeting.end_date.isoformat() if meeting.end_date else None,
        "start": meeting.start.isoformat() if meeting.start else None,
        "end": meeting.end.isoformat() if meeting.end else None,
        "chair": minutes.chair, "secretary": minutes.secretary,
        "attendees": [[a.name, a.role, a.member_id, a.title, a.serving, a.from_number, a.to_number]
                      for a in minutes.attendees],
        "signers": [[s.name, s.role] for s in minutes.signers],
        "paragraphs": [[p.number, p.title, p.text, p.decision, p.confidential, p.recused, p.reservations, p.vote]
                       for p in minutes.paragraphs],
        "tasks": sorted([t.paragraph_id, t.assignee, t.description, t.due.isoformat()]
                        for t in (tasks_of(minutes) if tasks is None else tasks)),
    }


def content_hash(minutes: Minutes, *, with_justering: bool = True, tasks: list[Task] | None = None,
                 names: dict | None = None) -> str:
    """SHA-256 of what the protokoll says, printed on the PDF so a copy can be checked.

    Without the justering's dates it is the hash of the text a signer approves: an approval
    holds for exactly that text (`approved_hash`). `tasks`: the uppdrag of its §§, when loaded.
    With `names` (`printed_names`, as stored with the original) it covers everything printed:
    the names and the anslag's dates and places too."""
    content = _content(minutes, tasks)
    if with_justering:
        content["justerad_on"] = minutes.justerad_on.isoformat() if minutes.justerad_on else None
    if with_justering and names is not None:
        content["names"] = names
        content["anslag"] = [minutes.anslag_posted.isoformat() if minutes.anslag_posted else None,
                             minutes.anslag_removed.isoformat() if minutes.anslag_removed else None,
                             minutes.signed_on_paper]
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def printed_names(minutes: Minutes) -> dict:
    """The names a protokoll prints besides its own rows, as they are now: {"tenant", "short_name",
    "body", "anslag_places", "members": {member id: name}}. Stored with the original at justering
    (`meetings.archive`), so that renaming the förbund later changes no justerat protokoll."""
    tenant = db.session.get(Tenant, minutes.tenant_id)
    return {"tenant": tenant.name, "short_name": tenant.short_name, "body": minutes.meeting.body.name,
            "anslag_places": tenant.anslag_places or "",
            "members": {str(a.member_id): a.member.name for a in minutes.attendees if a.member is not None}}


def approval_valid(minutes: Minutes, signer: Signer, text_hash: str | None = None) -> bool:
    """Has the signer approved the text as it is now (not an earlier version)?"""
    if signer.approved_at is None or signer.approved_hash is None:
        return False
    return signer.approved_hash == (text_hash or content_hash(minutes, with_justering=False))


def withdraw_stale_approvals(minutes: Minutes) -> list[Signer]:
    """After a change, approvals of the earlier text no longer hold: withdraw them and return
    whose (each signer is told). Called by every change to a protokoll before justering."""
    if minutes.justerad:
        return []
    current = content_hash(minutes, with_justering=False)
    withdrawn = []
    for signer in minutes.signers:
        if signer.approved_at is not None and signer.approved_hash != current:
            signer.approved_at, signer.approved_hash, signer.withdrawn_at = None, None, utcnow()
            withdrawn.append(signer)
    db.session.flush()
    return withdrawn


@dataclass(frozen=True)
class JusteringResult:
    justerad: date
    anslag_posted: date
    anslag_removed: date
    late: bool
    signed_on_paper: bool = False


def justering_dates(minutes: Minutes, *, on: date, posted: date | None = None) -> JusteringResult:
    """What justering on `on` would mean: the anslag goes up (default the next working day,
    kommunallagen: no later than the second day) and comes down three weeks later [000]."""
    meeting_day = minutes.meeting.date
    if on < meeting_day:
        raise InvalidInput(f"Justeringen ({on}) kan inte vara före mötet ({meeting_day}).", {"date": "före mötet"})
    if on > clock.today():
        raise InvalidInput(f"Justeringsdatumet {on} ligger i framtiden.", {"date": "i framtiden"})
    posted = posted or next_working_day(on)
    if posted < on:
        raise InvalidInput(f"Anslaget ({posted}) kan inte sättas upp före justeringen ({on}).", {"posted": "före justeringen"})
    return JusteringResult(on, posted, anslag_removed(posted), late=is_late(meeting_day, on))


def missing_approvals(minutes: Minutes) -> list[Signer]:
    """The signers whose approval does not hold for the text as it reads now."""
    if not any(s.approved_at is not None for s in minutes.signers):
        # Nobody has approved anything: no text to compare (and no need to read the protokoll whole).
        return list(minutes.signers)
    text_hash = content_hash(minutes, with_justering=False)
    return [s for s in minutes.signers if not approval_valid(minutes, s, text_hash)]


def justera(minutes: Minutes, *, on: date, posted: date | None = None, signed_on_paper: bool = False) -> JusteringResult:
    """Lock the protokoll for ever; the anslag goes up for three weeks.

    Needs every signer's approval of the text as it is, or `signed_on_paper` (the kansli
    records that the chair and justerare signed the paper on `on`). Raises RuleViolation
    `not_approved` naming who has not approved, `undecided` naming an ansökan or budget whose
    § says it is decided while the decision is not registered (`undecided_matters`), and
    `still_running` with what must end first (`justering_blocked`: an open poll)."""
    ensure_editable(minutes)
    blocked = justering_blocked(minutes)
    if blocked:
        raise RuleViolation("still_running", " ".join(blocked))
    result = justering_dates(minutes, on=on, posted=posted)
    if not any(s.role == "justerare" for s in minutes.signers):
        raise RuleViolation("no_justerare", "Protokollet har ingen justerare. Ange vem som justerar det (vid ett möte "
                                            "som väljer sina justerare: för in mötets val) innan det justeras.",
                            {"justerare": "saknas"})
    undecided = undecided_matters(minutes)
    if undecided:
        raise RuleViolation("undecided", "Protokollet säger att styrelsen beslutat om " + ", ".join(undecided) +
                            ", men beslutet är inte registrerat. Registrera beslutet (under Ansökningar eller "
                            "Budget) innan protokollet justeras, eller ändra paragrafens beslut om ärendet bordlades.")
    missing = missing_approvals(minutes)
    if missing and not signed_on_paper:
        names = ", ".join(f"{s.name} ({s.role_label})" for s in missing)
        raise RuleViolation("not_approved", f"Alla har inte godkänt protokollet: {names}. Vänta på deras godkännande, "
                                            "eller ange att protokollet är undertecknat på papper.",
                            {"signed_on_paper": "krävs när godkännanden saknas"})
    if not missing and minutes.signers:
        last = max(clock.local_date(s.approved_at) for s in minutes.signers)
        if on < last:
            raise InvalidInput(f"Justeringen ({on}) kan inte vara före det sista godkännandet i systemet ({last}).",
                               {"date": "före godkännandet"})
    # Stored at justering, rendered once from the rows as they are locked (arkivlagen: the
    # original is what was justerat); imported here because the archive renders through documents.
    from finsam_saas.meetings import archive

    # One flush: the lock (meetings.locks) refuses any write after justerad_on is stored.
    with db.session.no_autoflush:
        minutes.justerad_on, minutes.anslag_posted, minutes.anslag_removed = on, result.anslag_posted, result.anslag_removed
        minutes.signed_on_paper = bool(missing) and signed_on_paper
        names = printed_names(minutes)
        minutes.content_hash = content_hash(minutes, names=names)
        archive.store_originals(minutes, names)
    db.session.flush()
    return JusteringResult(on, result.anslag_posted, result.anslag_removed, result.late, minutes.signed_on_paper)


def add_correction(minutes: Minutes, *, text: str, signed_by: str, made_on: date | None = None,
                   paragraph_number: int | None = None, user_id: int | None = None,
                   confirmed: bool = True) -> Correction:
    """A rättelse of a justerat protokoll: an obvious slip (a misspelt name, a wrong date) noted
    beside the original, dated and signed by those who justerade it, never changing the original
    or its stored PDF/A; a decision itself is changed only by a new decision at a later meeting.
    Written once (a trigger refuses changing or removing it), so `confirmed` must say the kansli
    knows. `signed_by`: names separated by commas, each the protokoll's ordförande, a justerare or
    its sekreterare. Raises RuleViolation `not_justerad` (before justering the protokoll itself is
    corrected) and `already_noted` (the same rättelse again), and InvalidInput naming every field
    that is wrong: an empty text, a signer not of the protokoll, a § outside it, a date before the
    justering or in the future, no confirmation."""
    if not minutes.justerad:
        raise RuleViolation("not_justerad", "Protokollet är inte justerat än: rätta texten i protokollet i stället.")
    errors = {}
    if not text.strip():
        errors["text"] = "saknas"
    signers = [name.strip() for name in signed_by.split(",") if name.strip()]
    allowed = [s.name for s in minutes.signers] + [minutes.secretary]
    strangers = [name for name in signers if name not in allowed]
    if not signers:
        errors["signed_by"] = "saknas"
    elif strangers:
        errors["signed_by"] = (f"{', '.join(strangers)} har inte justerat protokollet (ordförande, justerare och "
                               f"sekreterare: {', '.join(allowed)})")
    numbers = [p.number for p in minutes.paragraphs]
    if paragraph_number is not None and paragraph_number not in numbers:
        errors["paragraph_number"] = f"§ {paragraph_number} finns inte i protokollet (§§ {numbers[0]}–{numbers[-1]})"
    made_on = made_on or clock.today()
    if made_on < minutes.justerad_on:
        errors["made_on"] = f"före justeringen {minutes.justerad_on}"
    elif made_on > clock.today():
        errors["made_on"] = "i framtiden"
    if not confirmed:
        errors["confirm"] = "kryssa i att du vet att rättelsen inte kan ändras eller tas bort efteråt"
    if errors:
        labels = {"text": "Rättelsens text", "signed_by": "Vem som undertecknar", "paragraph_number": "Paragrafen",
                  "made_on": "Datumet", "confirm": "Bekräftelsen"}
        raise InvalidInput("Rättelsen kunde inte sparas: " + "; ".join(f"{labels[k]}: {v}" for k, v in errors.items())
                           + ".", errors)
    if any(c.text == text.strip() and c.paragraph_number == paragraph_number for c in minutes.corrections):
        raise RuleViolation("already_noted", "Den rättelsen är redan antecknad; den står bredvid protokollet.")
    correction = Correction(minutes_id=minutes.id, text=text.strip(), signed_by=", ".join(signers), made_on=made_on,
                            paragraph_number=paragraph_number, user_id=user_id)
    minutes.corrections.append(correction)
    db.session.flush()
    return correction


def is_late(meeting_day: date, justerad: date | None, today: date | None = None) -> bool:
    """Justering later than 14 days after the meeting (or still not done after 14 days)."""
    deadline = meeting_day + timedelta(days=JUSTERING_DAYS)
    return (justerad or today or clock.today()) > deadline


def approve(minutes: Minutes, signer: Signer, *, seen: str | None = None) -> bool:
    """One signer approves the protokoll as it reads now; True when every signer has.

    `seen`: the content hash of the text the signer read; when the protokoll has changed since,
    the approval is refused (RuleViolation `changed`) — one never approves a text unread.
    Justering is a step of its own after that (`justera`)."""
    ensure_editable(minutes)
    text_hash = content_hash(minutes, with_justering=False)
    if seen is not None and seen != text_hash:
        raise RuleViolation("changed", "Protokollet har ändrats sedan du öppnade sidan. Läs den nya texten och godkänn "
                                       "igen om du står för den.")
    if approval_valid(minutes, signer, text_hash):
        raise RuleViolation("already_approved", f"{signer.name} har redan godkänt protokollet.")
    signer.approved_at, signer.approved_hash, signer.withdrawn_at = utcnow(), text_hash, None
    db.session.flush()
    return not missing_approvals(minutes)


def signer_for(minutes: Minutes, user) -> list[Signer]:
    """The signers the user is: by their account, or by the name the register knows them by."""
    return [s for s in minutes.signers if s.user_id == user.id or (s.user_id is None and s.name == user.name)]


def posted_minutes(today: date | None = None) -> tuple[list[Minutes], list[Minutes], list[Minutes]]:
    """Justerade protokoll for the anslagstavla: (posted now, to be posted, the archive), newest first."""
    today = today or clock.today()
    rows = list(db.session.scalars(
        select(Minutes).where(Minutes.justerad_on.is_not(None)).join(Meeting).order_by(Meeting.date.desc())
        .options(joinedload(Minutes.meeting).joinedload(Meeting.body), selectinload(Minutes.corrections))
    ))
    now = [m for m in rows if m.anslag_posted <= today <= m.anslag_removed]
    coming = [m for m in rows if m.anslag_posted > today]
    return now, coming, [m for m in rows if m.anslag_removed < today]


# --- tasks (uppdrag) --------------------------------------------------------

@cache
def _tasks_query():
    # Built once: building a query costs more here than running it.
    return (select(Task).join(Paragraph, Task.paragraph_id == Paragraph.id)
            .where(Paragraph.minutes_id == bindparam("minutes_id")).order_by(Task.id))


def tasks_of(minutes: Minutes) -> list[Task]:
    """The uppdrag given in the protokoll's §§, in the order they were given."""
    if minutes.id is None:
        return []
    return list(db.session.scalars(_tasks_query(), {"minutes_id": minutes.id}))


def _check_task(minutes: Minutes, assignee: str, description: str, due: date) -> None:
    if not assignee.strip():
        raise InvalidInput("Ange vem uppdraget går till.", {"assignee": "saknas"})
    if not description.strip():
        raise InvalidInput("Beskriv uppdraget.", {"description": "saknas"})
    if due < minutes.meeting.date:
        raise InvalidInput(f"Uppdraget kan inte vara klart ({due}) före mötet som gav det ({minutes.meeting.date}).",
                           {"due": "före mötet"})


def add_task(minutes: Minutes, number: int, *, assignee: str, description: str, due: date) -> Task:
    """An uppdrag given by the beslut in § `number`: to whom, what, by when [000 § 53]."""
    ensure_editable(minutes)
    p = paragraph(minutes, number)
    _check_task(minutes, assignee, description, due)
    task = Task(paragraph_id=p.id, assignee=assignee.strip(), description=description.strip(), due=due)
    db.session.add(task)
    db.session.flush()
    return task


def task_minutes(task: Task) -> Minutes | None:
    return task.paragraph.minutes if task.paragraph is not None else None


def update_task(task: Task, *, assignee: str, description: str, due: date) -> Task:
    """Correct an uppdrag; its words are the protokoll's, so not once that is justerat."""
    minutes = task_minutes(task)
    if minutes is not None:
        ensure_editable(minutes)
        _check_task(minutes, assignee, description, due)
    task.assignee, task.description, task.due = assignee.strip(), description.strip(), due
    db.session.flush()
    return task


def remove_task(task: Task) -> None:
    minutes = task_minutes(task)
    if minutes is not None:
        ensure_editable(minutes)
    if task.agenda_item_id is not None:
        raise RuleViolation("on_agenda", "Uppdraget står på en dagordning; ta bort punkten först.")
    db.session.delete(task)
    db.session.flush()


def open_tasks() -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.done_on.is_(None)).order_by(Task.due)))


def tasks_to_offer(meeting: Meeting) -> list[Task]:
    """Open tasks not yet on an agenda, due after this meeting, for which it is the body's last
    meeting before they are due (an uppdrag "ska presenteras i februari" comes back then) [000]."""
    later = db.session.scalars(
        select(Meeting.date).where(Meeting.body_id == meeting.body_id, Meeting.date > meeting.date,
                                   Meeting.cancelled_on.is_(None)).order_by(Meeting.date)
    ).all()
    next_meeting = later[0] if later else None
    return [task for task in open_tasks()
            if task.agenda_item_id is None and task.due >= meeting.date
            and (next_meeting is None or next_meeting > task.due)]


def put_task_on_agenda(task: Task, meeting: Meeting) -> AgendaItem:
    """The uppdrag comes back as an information item among the matters of the day."""
    if task.agenda_item_id is not None:
        raise RuleViolation("already_on_agenda", "Uppdraget står redan på en dagordning.")
    source = task.paragraph
    origin = ""
    if source is not None:
        origin = f"Uppdrag från § {source.number} {source.year} (mötet {source.minutes.meeting.date}), klart senast {task.due}."
    item = add_item(meeting, {"title": f"Uppdrag: {task.description}", "kind": "information",
                              "presenter": task.assignee, "description": origin})
    task.agenda_item_id = item.id
    db.session.flush()
    return item


def _release_task(item: AgendaItem) -> None:
    for task in db.session.scalars(select(Task).where(Task.agenda_item_id == item.id)):
        task.agenda_item_id = None


register_item_release(_release_task)


def complete_task(task: Task, on: date) -> None:
    task.done_on = on
    db.session.flush()


def reopen_task(task: Task) -> None:
    task.done_on = None
    db.session.flush()
