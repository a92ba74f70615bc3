"""The rules of meetings as plain functions: agenda, § numbering, attendance and
quorum, votes, justering and anslag, and the tasks decisions give.

Every function works in the current tenant (the ORM wall sees to that) and
raises InvalidInput (400) or RuleViolation (409) with a Swedish message that
names the field; nothing is written when it raises.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from finsam_saas.extensions import db
from finsam_saas.meetings.calendar import JUSTERING_DAYS, anslag_removed, next_working_day
from finsam_saas.meetings.models import (
    ATTENDEE_ROLES, ITEM_KINDS, AgendaItem, Attendee, Matter, Meeting, Minutes, Paragraph, Signer, StandingItem, Task,
)
from finsam_saas.organisation.models import Body, Member
from finsam_saas.platform.models import utcnow
from finsam_saas.platform.rules import InvalidInput, RuleViolation

VOTE_CHOICES = ("yes", "no")


# --- bodies and the agenda template ---------------------------------------

def body_by_slug(slug: str) -> Body:
    body = db.session.scalar(select(Body).where(Body.slug == slug, Body.active.is_(True)))
    if body is None:
        slugs = ", ".join(db.session.scalars(select(Body.slug).where(Body.active.is_(True))))
        raise InvalidInput(f"Okänt organ \"{slug}\". Välj ett av: {slugs}.", {"body": f"okänt organ \"{slug}\""})
    return body


def standing_items(body: Body) -> list[StandingItem]:
    return list(db.session.scalars(
        select(StandingItem).where(StandingItem.body_id == body.id).order_by(StandingItem.position)
    ))


DEFAULT_OPENING = ("Mötets öppnande", "Val av justerare", "Godkännande av dagordning", "Föregående protokoll")
DEFAULT_CLOSING = ("Övriga frågor", "Mötets avslutande")


def ensure_standing_template(body: Body) -> list[StandingItem]:
    """A body without a template gets the items that open and close every meeting in the seeds."""
    items = standing_items(body)
    if items:
        return items
    for position, title in enumerate(DEFAULT_OPENING):
        db.session.add(StandingItem(body_id=body.id, title=title, kind="formalia", placement="open", position=position))
    for position, title in enumerate(DEFAULT_CLOSING, start=100):
        db.session.add(StandingItem(body_id=body.id, title=title, kind="formalia", placement="close", position=position))
    db.session.flush()
    return standing_items(body)


def add_standing_item(body: Body, *, title: str, kind: str, placement: str) -> StandingItem:
    if not title.strip():
        raise InvalidInput("Ange en rubrik.", {"title": "saknas"})
    if kind not in ITEM_KINDS:
        raise InvalidInput(f"Okänd typ \"{kind}\".", {"kind": "okänd typ"})
    if placement not in ("open", "close"):
        raise InvalidInput("Välj om punkten inleder eller avslutar mötet.", {"placement": "open eller close"})
    items = ensure_standing_template(body)
    same = [i.position for i in items if i.placement == placement]
    position = max(same, default=0 if placement == "open" else 99) + 1
    item = StandingItem(body_id=body.id, title=title.strip(), kind=kind, placement=placement, position=position)
    db.session.add(item)
    db.session.flush()
    return item


def remove_standing_item(item: StandingItem) -> None:
    db.session.delete(item)
    db.session.flush()


# --- meetings and agenda --------------------------------------------------

def _check_times(start: time | None, end: time | None) -> None:
    if start and end and end <= start:
        raise InvalidInput("Sluttiden måste vara efter starttiden.", {"end": "före eller lika med starttiden"})


def _check_item(item: dict, index: int) -> None:
    key = f"items[{index}]"
    if not (item.get("title") or "").strip():
        raise InvalidInput(f"Punkt {index + 1} saknar rubrik.", {f"{key}.title": "saknas"})
    if item.get("kind", "information") not in ITEM_KINDS:
        raise InvalidInput(
            f"Punkt {index + 1} har okänd typ \"{item.get('kind')}\" (beslut, information, diskussion eller formalia).",
            {f"{key}.kind": "okänd typ"},
        )


def matter_for(diarienummer: str | None, title: str) -> Matter | None:
    """The ärende with this diarienummer, created on first use."""
    if not diarienummer:
        return None
    diarienummer = diarienummer.strip().removeprefix("Dnr").strip()
    matter = db.session.scalar(select(Matter).where(Matter.diarienummer == diarienummer))
    if matter is None:
        matter = Matter(diarienummer=diarienummer, title=title)
        db.session.add(matter)
        db.session.flush()
    return matter


def create_meeting(body: Body, *, day: date, start: time | None = None, end: time | None = None, place: str = "",
                   theme: str = "", items: list[dict] = (), with_template: bool = True,
                   prepares: Meeting | None = None) -> Meeting:
    _check_times(start, end)
    for index, item in enumerate(items):
        _check_item(item, index)
    if prepares is not None and prepares.date < day:
        raise InvalidInput("Ett beredande möte måste hållas före mötet det bereder.", {"prepares": "efter det beredda mötet"})
    meeting = Meeting(body_id=body.id, date=day, start=start, end=end, place=place.strip(), theme=theme.strip(),
                      prepares_id=prepares.id if prepares else None)
    db.session.add(meeting)
    db.session.flush()
    template = ensure_standing_template(body) if with_template else []
    rows = [{"title": s.title, "kind": s.kind, "standing": True} for s in template if s.placement == "open"]
    rows += list(items)
    if with_template:
        rows += _repeating_items(body, day, {s.title for s in template} | {row["title"] for row in items})
    rows += [{"title": s.title, "kind": s.kind, "standing": True} for s in template if s.placement == "close"]
    for number, row in enumerate(rows, start=1):
        _add_item(meeting, number, row)
    db.session.flush()
    return meeting


def _repeating_items(body: Body, day: date, already: set[str]) -> list[dict]:
    """Items marked "stående punkt" at the body's latest earlier meeting come back at the next."""
    previous = db.session.scalar(
        select(Meeting).where(Meeting.body_id == body.id, Meeting.date < day).order_by(Meeting.date.desc()).limit(1)
    )
    if previous is None:
        return []
    return [
        {"title": i.title, "kind": i.kind, "presenter": i.presenter, "description": i.description,
         "standing": True, "diarienummer": i.matter.diarienummer if i.matter else None}
        for i in previous.items if i.standing and i.title not in already
    ]


def _add_item(meeting: Meeting, number: int, row: dict) -> AgendaItem:
    matter = matter_for(row.get("diarienummer"), row["title"])
    item = AgendaItem(
        meeting_id=meeting.id, number=number, title=row["title"].strip(), kind=row.get("kind") or "information",
        presenter=(row.get("presenter") or "").strip(), description=(row.get("description") or "").strip(),
        proposal=(row.get("proposal") or "").strip(), standing=bool(row.get("standing")),
        confidential=bool(row.get("confidential")), matter_id=matter.id if matter else None,
    )
    meeting.items.append(item)
    return item


def add_item(meeting: Meeting, row: dict, before_closing: bool = True) -> AgendaItem:
    """Add an item; it goes before the closing standing items (övriga frågor, avslutande)."""
    ensure_agenda_editable(meeting)
    _check_item(row, len(meeting.items))
    items = list(meeting.items)
    closing = [i for i in items if i.standing and i.kind == "formalia" and i.number > 1 and
               all(j.standing for j in items if j.number >= i.number)] if before_closing else []
    number = closing[0].number if closing else len(items) + 1
    for later in sorted((i for i in items if i.number >= number), key=lambda i: -i.number):
        later.number += 1
        db.session.flush()
    item = _add_item(meeting, number, row)
    db.session.flush()
    return item


def ensure_agenda_editable(meeting: Meeting) -> None:
    if meeting.minutes is not None:
        raise RuleViolation("minutes_started", "Protokollet är påbörjat; dagordningen kan inte längre ändras.")


def meetings_of_year(year: int) -> list[Meeting]:
    """The year's meetings with their protokoll and the meeting each prepares (the mötesplan shows both)."""
    return list(db.session.scalars(
        select(Meeting).where(Meeting.date >= date(year, 1, 1), Meeting.date <= date(year, 12, 31))
        .order_by(Meeting.date, Meeting.start)
        .options(selectinload(Meeting.minutes), selectinload(Meeting.prepares).joinedload(Meeting.body))
    ))


# --- the protokoll ----------------------------------------------------------

def next_paragraph_number(body_id: int, year: int) -> int:
    """§§ run on through the calendar year per body and restart at 1 on 1 January."""
    last = db.session.scalar(select(func.max(Paragraph.number)).where(Paragraph.body_id == body_id, Paragraph.year == year))
    return (last or 0) + 1


def _parse_attendees(attendees: list[dict], members: dict[str, Member]) -> list[dict]:
    rows, names = [], set()
    for index, row in enumerate(attendees):
        key = f"attendees[{index}]"
        name = (row.get("name") or "").strip()
        if not name:
            raise InvalidInput(f"Deltagare {index + 1} saknar namn.", {f"{key}.name": "saknas"})
        if name in names:
            raise InvalidInput(f"{name} står två gånger bland deltagarna.", {f"{key}.name": "finns redan"})
        names.add(name)
        role = row.get("role") or "ledamot"
        if role not in ATTENDEE_ROLES:
            raise InvalidInput(f"{name}: okänd roll \"{role}\" (ledamot, ersattare eller ovrig).", {f"{key}.role": "okänd roll"})
        member_name = (row.get("member") or "").strip()
        member = members.get(member_name) if member_name else None
        if member_name and member is None and role != "ovrig":
            raise InvalidInput(f"{name}: \"{member_name}\" är inte medlem i förbundet.", {f"{key}.member": "okänd medlem"})
        start, end = row.get("from"), row.get("to")
        if start is not None and end is not None and end < start:
            raise InvalidInput(f"{name}: närvaron slutar före den börjar (§ {start}–{end}).", {f"{key}.to": "före from"})
        rows.append({
            "name": name, "role": role, "member_id": member.id if member else None,
            "title": (row.get("title") or ("" if member else member_name)).strip(),
            "serving": role == "ersattare" and row.get("serving") is not False,
            "from_number": start, "to_number": end, "position": index,
        })
    return rows


def start_minutes(meeting: Meeting, *, chair: str, secretary: str, justerare: list[str],
                  attendees: list[dict], first_number: int | None = None) -> Minutes:
    """Start the protokoll from the agenda: one § per item, numbered on from the body's last § of the year.

    `first_number` continues a series kept on paper before this system (the year's
    earlier §§ are not here); it may not go back to numbers already used.
    """
    if meeting.minutes is not None:
        raise RuleViolation("minutes_exist", "Mötet har redan ett protokoll.")
    if not meeting.items:
        raise InvalidInput("Mötet har ingen dagordning att skriva protokoll från.", {"items": "saknas"})
    members = {m.name: m for m in db.session.scalars(select(Member))}
    rows = _parse_attendees(attendees, members)
    present = {row["name"] for row in rows}
    if not chair.strip():
        raise InvalidInput("Ange ordförande.", {"chair": "saknas"})
    if not secretary.strip():
        raise InvalidInput("Ange sekreterare.", {"secretary": "saknas"})
    if chair.strip() not in present:
        raise InvalidInput(f"Ordföranden {chair} finns inte bland deltagarna.", {"chair": "inte närvarande"})
    if not justerare:
        raise InvalidInput("Ange minst en justerare.", {"justerare": "saknas"})
    for index, name in enumerate(justerare):
        if name.strip() not in present:
            raise InvalidInput(f"Justeraren {name} finns inte bland deltagarna.", {f"justerare[{index}]": "inte närvarande"})
        if name.strip() == chair.strip():
            raise InvalidInput("Ordföranden kan inte också vara justerare.", {f"justerare[{index}]": "är ordförande"})
    minutes = Minutes(meeting_id=meeting.id, chair=chair.strip(), secretary=secretary.strip())
    db.session.add(minutes)
    meeting.minutes = minutes  # one object seen from both sides, in this session too
    db.session.flush()
    for row in rows:
        minutes.attendees.append(Attendee(minutes_id=minutes.id, **row))
    minutes.signers.append(Signer(minutes_id=minutes.id, name=chair.strip(), role="ordforande", position=0))
    for position, name in enumerate(justerare, start=1):
        minutes.signers.append(Signer(minutes_id=minutes.id, name=name.strip(), role="justerare", position=position))
    year = meeting.date.year
    number = next_paragraph_number(meeting.body_id, year)
    if first_number is not None:
        if first_number < number:
            raise InvalidInput(f"§ {first_number} är redan använd {year}; nästa lediga är § {number}.",
                               {"first_number": "redan använd"})
        number = first_number
    for offset, item in enumerate(meeting.items):
        minutes.paragraphs.append(Paragraph(
            minutes_id=minutes.id, body_id=meeting.body_id, year=year, number=number + offset,
            item_number=item.number, title=item.title, kind=item.kind, confidential=item.confidential,
        ))
    db.session.flush()
    return minutes


def ensure_editable(minutes: Minutes) -> None:
    if minutes.justerad:
        raise RuleViolation("justerad", "Protokollet är justerat och kan inte ändras. Rättelser görs i en ny § i ett senare protokoll.")


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


def deciding_at(minutes: Minutes, number: int, paragraph_: Paragraph | None = None) -> list[Attendee]:
    """Beslutande present at § number, less those who left for jäv."""
    recused = set(paragraph_.recused) if paragraph_ else set()
    return [a for a in minutes.attendees if a.decides and a.present_at(number) and a.name not in recused]


def quorum_at(minutes: Minutes, number: int, paragraph_: Paragraph | None = None) -> Quorum:
    """More than half of the ordinarie seats filled by ledamöter or serving ersättare (KL 6:27)."""
    body = minutes.meeting.body
    return Quorum(len(deciding_at(minutes, number, paragraph_)), body.quorum if body.ordinarie_seats else 0)


def _require_quorum(minutes: Minutes, p: Paragraph) -> None:
    quorum = quorum_at(minutes, p.number, p)
    if not quorum.ok:
        raise RuleViolation(
            "no_quorum",
            f"§ {p.number} kan inte beslutas: {quorum.present} beslutande närvarande, {quorum.required} krävs "
            f"(mer än hälften av {minutes.meeting.body.ordinarie_seats} ordinarie platser).",
        )


def update_paragraph(minutes: Minutes, number: int, *, text: str | None = None, decision: str | None = None,
                     recused: list[str] | None = None, reservations: list[str] | None = None,
                     confidential: bool | None = None) -> Paragraph:
    ensure_editable(minutes)
    p = paragraph(minutes, number)
    names = {a.name for a in minutes.attendees}
    for field, people in (("recused", recused), ("reservations", reservations)):
        for person in people or []:
            if person not in names:
                raise InvalidInput(f"{person} finns inte bland deltagarna.", {field: f"{person} inte närvarande"})
    if recused is not None:
        p.recused = list(recused)
    if reservations is not None:
        deciding = {a.name for a in deciding_at(minutes, number, p)}
        for person in reservations:
            if person not in deciding:
                raise InvalidInput(f"{person} deltog inte i beslutet och kan inte reservera sig.", {"reservations": person})
        p.reservations = list(reservations)
    if text is not None:
        p.text = text.strip()
    if confidential is not None:
        p.confidential = bool(confidential)
    if decision is not None:
        if decision.strip():
            _require_quorum(minutes, p)
        p.decision = decision.strip()
    db.session.flush()
    return p


def record_vote(minutes: Minutes, number: int, *, yes: int, no: int, abstain: int = 0,
                chair_vote: str | None = None) -> dict:
    """Count a vote; on a tie the chair's casting vote (ordförandes utslagsröst) decides."""
    ensure_editable(minutes)
    p = paragraph(minutes, number)
    for field, value in (("yes", yes), ("no", no), ("abstain", abstain)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise InvalidInput(f"{field} måste vara ett heltal ≥ 0.", {field: "inte ett heltal ≥ 0"})
    _require_quorum(minutes, p)
    deciding = len(deciding_at(minutes, number, p))
    if yes + no + abstain > deciding:
        raise InvalidInput(
            f"{yes + no + abstain} röster är fler än de {deciding} beslutande som är närvarande vid § {number}.",
            {"yes": "fler röster än beslutande"},
        )
    if chair_vote is not None and chair_vote not in VOTE_CHOICES:
        raise InvalidInput("Ordförandens röst ska vara yes eller no.", {"chair_vote": "yes eller no"})
    casting = yes == no
    if casting and chair_vote is None:
        raise InvalidInput(f"Omröstningen blev {yes}–{no}: ange ordförandens utslagsröst.", {"chair_vote": "krävs vid lika röstetal"})
    outcome = chair_vote if casting else ("yes" if yes > no else "no")
    p.vote = {"yes": yes, "no": no, "abstain": abstain, "chair_vote": chair_vote, "outcome": outcome,
              "casting_vote": casting}
    db.session.flush()
    return {"outcome": outcome, "casting_vote": casting}


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


def notice_appendices(meeting: Meeting) -> list[tuple[str, str, dict]]:
    """Each generated bilaga with its content, as the kallelse prints them."""
    return [(a.title, a.template, a.context_for(meeting)) for a in generated_appendices(meeting)]


# --- justering and anslag ---------------------------------------------------

def content_hash(minutes: Minutes) -> str:
    """SHA-256 of the protokoll's content, printed on the PDF so a copy can be checked."""
    meeting = minutes.meeting
    content = {
        "body": meeting.body.slug, "date": meeting.date.isoformat(), "place": meeting.place,
        "start": meeting.start.isoformat() if meeting.start else None,
        "end": meeting.end.isoformat() if meeting.end else None,
        "chair": minutes.chair, "secretary": minutes.secretary,
        "attendees": [[a.name, a.role, a.member_id, a.title, a.serving, a.from_number, a.to_number]
                      for a in minutes.attendees],
        "signers": [[s.name, s.role] for s in minutes.signers],
        "paragraphs": [[p.number, p.title, p.text, p.decision, p.confidential, p.recused, p.reservations, p.vote]
                       for p in minutes.paragraphs],
        "justerad_on": minutes.justerad_on.isoformat() if minutes.justerad_on else None,
    }
    return hashlib.sha256(json.dumps(content, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class JusteringResult:
    justerad: date
    anslag_posted: date
    anslag_removed: date
    late: bool


def justera(minutes: Minutes, *, on: date, posted: date | None = None) -> JusteringResult:
    """Lock the protokoll for ever; the anslag goes up (default the next working day) for three weeks."""
    ensure_editable(minutes)
    meeting_day = minutes.meeting.date
    if on < meeting_day:
        raise InvalidInput(f"Justeringen ({on}) kan inte vara före mötet ({meeting_day}).", {"date": "före mötet"})
    posted = posted or next_working_day(on)
    if posted < on:
        raise InvalidInput(f"Anslaget ({posted}) kan inte sättas upp före justeringen ({on}).", {"posted": "före justeringen"})
    # One flush: the lock (meetings.locks) refuses any write after justerad_on is stored.
    # Signers who did not approve in the system signed on paper; their approved_at stays empty.
    with db.session.no_autoflush:
        minutes.justerad_on, minutes.anslag_posted, minutes.anslag_removed = on, posted, anslag_removed(posted)
        minutes.content_hash = content_hash(minutes)
    db.session.flush()
    return JusteringResult(on, posted, minutes.anslag_removed, late=is_late(meeting_day, on))


def is_late(meeting_day: date, justerad: date | None, today: date | None = None) -> bool:
    """Justering later than 14 days after the meeting (or still not done after 14 days)."""
    deadline = meeting_day + timedelta(days=JUSTERING_DAYS)
    return (justerad or today or date.today()) > deadline


def approve(minutes: Minutes, signer: Signer, *, on: date | None = None) -> JusteringResult | None:
    """One signer approves; when the last one has, the protokoll is justerat."""
    ensure_editable(minutes)
    if signer.approved_at is not None:
        raise RuleViolation("already_approved", f"{signer.name} har redan godkänt protokollet.")
    signer.approved_at = utcnow()
    db.session.flush()
    if all(s.approved_at for s in minutes.signers):
        return justera(minutes, on=on or date.today())
    return None


def posted_minutes(today: date | None = None) -> list[Minutes]:
    """Justerade protokoll for the anslagstavla: those posted now first, then the rest, newest first."""
    today = today or date.today()
    rows = list(db.session.scalars(
        select(Minutes).where(Minutes.justerad_on.is_not(None)).join(Meeting).order_by(Meeting.date.desc())
    ))
    return sorted(rows, key=lambda m: not (m.anslag_posted <= today <= m.anslag_removed))


# --- tasks (uppdrag) --------------------------------------------------------

def add_task(minutes: Minutes, number: int, *, assignee: str, description: str, due: date) -> Task:
    ensure_editable(minutes)
    p = paragraph(minutes, number)
    if not assignee.strip():
        raise InvalidInput("Ange vem uppdraget går till.", {"assignee": "saknas"})
    if not description.strip():
        raise InvalidInput("Beskriv uppdraget.", {"description": "saknas"})
    if due < minutes.meeting.date:
        raise InvalidInput("Uppdraget kan inte ska vara klart före mötet som gav det.", {"due": "före mötet"})
    task = Task(paragraph_id=p.id, assignee=assignee.strip(), description=description.strip(), due=due)
    db.session.add(task)
    db.session.flush()
    return task


def open_tasks() -> list[Task]:
    return list(db.session.scalars(select(Task).where(Task.done_on.is_(None)).order_by(Task.due)))


def tasks_to_offer(meeting: Meeting) -> list[Task]:
    """Open tasks due after this meeting for which it is the last meeting of the body before they are due."""
    later = db.session.scalars(
        select(Meeting.date).where(Meeting.body_id == meeting.body_id, Meeting.date > meeting.date).order_by(Meeting.date)
    ).all()
    offered = []
    on_agenda = {i.title for i in meeting.items}
    for task in open_tasks():
        if task.due < meeting.date or f"Uppdrag: {task.description}" in on_agenda:
            continue
        next_meeting = later[0] if later else None
        if next_meeting is None or next_meeting > task.due:
            offered.append(task)
    return offered


def complete_task(task: Task, on: date) -> None:
    task.done_on = on
    db.session.flush()
