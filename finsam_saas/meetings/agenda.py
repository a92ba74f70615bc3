"""Meetings and their föredragningslista: planned, moved, cancelled; items added, changed,
moved and removed until the kallelse is sent, and after it as a visible *ändring i
föredragningslistan* that can go out as a supplement.

The agenda has three parts (`AgendaItem.placement`): the opening standing items (öppnande,
val av justerare, godkännande av dagordning, föregående protokoll, and any the body's
template marks as opening), the matters of the day, and the closing ones (övriga frågor,
avslutande). A new item — typed in, an uppdrag or an ansökan put on the agenda — goes last
among the matters, never before *Val av justerare* nor after *Mötets avslutande* [000, 001].

Every function works in the current tenant and raises InvalidInput (400), RuleViolation
(409) or NeedsConfirmation (409 `needs_confirmation`) with a Swedish message naming what is
wrong; nothing is written when it raises.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, time

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.meetings.models import (
    ITEM_KIND_LABELS, ITEM_KINDS, PLACEMENT_LABELS, PLACEMENTS, AgendaChange, AgendaItem, Matter, Meeting, StandingItem,
)
from finsam_saas.organisation.models import Body
from finsam_saas.platform import clock
from finsam_saas.platform.formatting import sv_time
from finsam_saas.platform.models import utcnow
from finsam_saas.platform.rules import InvalidInput, RuleViolation

DEFAULT_OPENING = ("Mötets öppnande", "Val av justerare", "Godkännande av dagordning", "Föregående protokoll")
DEFAULT_CLOSING = ("Övriga frågor", "Mötets avslutande")
# Titles that open or close a meeting in the seeds, whatever template the agenda was made from.
OPENING_TITLES = {t.lower() for t in (*DEFAULT_OPENING, "Incheckning", "Val av justerare och rösträknare",
                                      "Godkännande av föredragningslista", "Fastställande av dagordning")}
CLOSING_TITLES = {t.lower() for t in (*DEFAULT_CLOSING, "Utcheckning", "Mötet avslutas", "Mötets avslutning",
                                      "Övriga ärenden")}


class NeedsConfirmation(RuleViolation):
    """Allowed, but unusual enough that the person must say they mean it (`confirm`)."""

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__("needs_confirmation", message, fields)


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
        raise InvalidInput("Välj om punkten inleder eller avslutar mötet.", {"placement": "inledande eller avslutande"})
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


# --- checks shared by creating and moving a meeting -------------------------

# Registered by modules that know when a year is closed (economy: its bokslut); fn(year) -> bool.
CLOSED_YEAR_CHECKS: list[Callable[[int], bool]] = []


def register_closed_year_check(check: Callable[[int], bool]) -> None:
    CLOSED_YEAR_CHECKS.append(check)


def year_closed(year: int) -> bool:
    """Whether the year's books are closed (the economy's bokslut), for the modules under economy."""
    return any(check(year) for check in CLOSED_YEAR_CHECKS)


def _check_times(start: time | None, end: time | None, day: date, end_date: date | None) -> None:
    if end_date is not None and end_date < day:
        raise InvalidInput(f"Mötet kan inte sluta ({end_date}) före den dag det börjar ({day}).",
                           {"end_date": "före startdagen"})
    if start and end and end <= start and (end_date is None or end_date == day):
        raise InvalidInput("Sluttiden måste vara efter starttiden.", {"end": "före eller lika med starttiden"})


def _check_date(body: Body, day: date, *, confirm: bool, meeting: Meeting | None = None) -> None:
    """A second meeting of the body that day, or a day in a closed year, must be confirmed."""
    if confirm:
        return
    same_day = db.session.scalar(select(Meeting).where(
        Meeting.body_id == body.id, Meeting.date == day, Meeting.cancelled_on.is_(None),
        *([Meeting.id != meeting.id] if meeting is not None else [])).limit(1))
    if same_day is not None:
        at = f" klockan {sv_time(same_day.start)}" if same_day.start else ""
        raise NeedsConfirmation(
            f"{body.name} har redan ett möte {day}{at}. Bekräfta att det ska bli två möten samma dag.",
            {"date": "två möten samma dag"})
    if year_closed(day.year):
        raise NeedsConfirmation(f"Året {day.year} är avslutat med bokslut. Bekräfta att mötet ska ligga {day}.",
                                {"date": "avslutat år"})


# --- meetings ----------------------------------------------------------------

def _check_item(item: dict, index: int | None = None) -> None:
    """A row of an agenda (`index` in a list given whole, as items[2]) or one item of a form."""
    key = f"items[{index}]." if index is not None else ""
    which = f"Punkt {index + 1}" if index is not None else "Punkten"
    if not (item.get("title") or "").strip():
        raise InvalidInput(f"{which} saknar rubrik.", {f"{key}title": "saknas"})
    if len(item["title"].strip()) > 300:
        raise InvalidInput(f"{which}: rubriken får vara högst 300 tecken.", {f"{key}title": "högst 300 tecken"})
    if item.get("kind", "information") not in ITEM_KINDS:
        raise InvalidInput(
            f"{which} har okänd typ \"{item.get('kind')}\" (beslut, information, diskussion eller formalia).",
            {f"{key}kind": "okänd typ"},
        )
    if item.get("placement") not in (None, *PLACEMENTS):
        raise InvalidInput(f"{which} har okänd placering \"{item.get('placement')}\".",
                           {f"{key}placement": "inledande, ärende eller avslutande"})


def matter_for(diarienummer: str | None, title: str) -> Matter | None:
    """The ärende with this diarienummer, created on first use."""
    if not diarienummer or not diarienummer.strip():
        return None
    diarienummer = diarienummer.strip().removeprefix("Dnr").strip()
    matter = db.session.scalar(select(Matter).where(Matter.diarienummer == diarienummer))
    if matter is None:
        matter = Matter(diarienummer=diarienummer, title=title)
        db.session.add(matter)
        db.session.flush()
    return matter


def _placements(rows: list[dict]) -> list[str]:
    """Each row's part of the agenda: as given, else the leading formalities open the meeting and
    the trailing ones close it (an agenda sent whole through the API carries no placement)."""
    found = [row.get("placement") for row in rows]
    opening = lambda row: row.get("kind") == "formalia" or row["title"].strip().lower() in OPENING_TITLES  # noqa: E731
    closing = lambda row: row.get("kind") == "formalia" or row["title"].strip().lower() in CLOSING_TITLES  # noqa: E731
    index = 0
    while index < len(rows) and found[index] in (None, "open") and opening(rows[index]):
        found[index] = found[index] or "open"
        index += 1
    last = len(rows) - 1
    while last >= index and found[last] in (None, "close") and closing(rows[last]):
        found[last] = found[last] or "close"
        last -= 1
    return [placement or "main" for placement in found]


def create_meeting(body: Body, *, day: date, start: time | None = None, end: time | None = None, place: str = "",
                   theme: str = "", items: list[dict] = (), with_template: bool = True,
                   prepares: Meeting | None = None, end_date: date | None = None, confirm: bool = False) -> Meeting:
    """A meeting with its föredragningslista: the template's opening items, `items`, the items
    marked "stående punkt" at the body's previous meeting, and the template's closing items.

    Raises NeedsConfirmation for a second meeting of the body that day or a day in a closed
    year unless `confirm`."""
    _check_times(start, end, day, end_date)
    for index, item in enumerate(items):
        _check_item(item, index)
    if prepares is not None and prepares.date < day:
        raise InvalidInput("Ett beredande möte måste hållas före mötet det bereder.", {"prepares": "efter det beredda mötet"})
    _check_date(body, day, confirm=confirm)
    meeting = Meeting(body_id=body.id, date=day, start=start, end=end, place=place.strip(), theme=theme.strip(),
                      prepares_id=prepares.id if prepares else None, end_date=end_date if end_date != day else None)
    db.session.add(meeting)
    db.session.flush()
    template = ensure_standing_template(body) if with_template else []
    if with_template:
        given = [{**row, "placement": row.get("placement") or "main"} for row in items]
        previous = _previous_meeting(body, day)
        repeating = _repeating_items(previous, {s.title for s in template} | {row["title"] for row in items})
        # The opening and closing items stand as they stood last time (Utcheckning before Mötets avslutande).
        before = {i.title: n for n, i in enumerate(previous.items)} if previous else {}
        rows = []
        for part in ("open", "main", "close"):
            rows_of_part = [{"title": s.title, "kind": s.kind, "standing": True, "placement": part}
                            for s in template if s.placement == part]
            rows_of_part += [row for row in given if row["placement"] == part]
            rows_of_part += [row for row in repeating if row["placement"] == part]
            if part != "main":
                rows_of_part.sort(key=lambda row: before.get(row["title"], len(before)))
            rows += rows_of_part
    else:
        rows = [dict(row) for row in items]
        for row, placement in zip(rows, _placements(rows)):
            row["placement"] = placement
    for number, row in enumerate(rows, start=1):
        _new_item(meeting, number, row)
    db.session.flush()
    return meeting


def _previous_meeting(body: Body, day: date) -> Meeting | None:
    """The body's latest meeting before `day` that was held (not cancelled)."""
    return db.session.scalar(
        select(Meeting).where(Meeting.body_id == body.id, Meeting.date < day, Meeting.cancelled_on.is_(None))
        .order_by(Meeting.date.desc()).limit(1)
    )


def _repeating_items(previous: Meeting | None, already: set[str]) -> list[dict]:
    """Items marked "stående punkt" at the body's latest earlier meeting come back at the next,
    each in its part of the agenda (Incheckning among the opening items) [000]."""
    if previous is None:
        return []
    return [
        {"title": i.title, "kind": i.kind, "presenter": i.presenter, "description": i.description,
         "standing": True, "placement": i.placement, "diarienummer": i.matter.diarienummer if i.matter else None}
        for i in previous.items if i.standing and not i.withdrawn and i.title not in already
    ]


def _new_item(meeting: Meeting, number: int, row: dict) -> AgendaItem:
    matter = matter_for(row.get("diarienummer"), row["title"])
    item = AgendaItem(
        meeting_id=meeting.id, number=number, title=row["title"].strip(), kind=row.get("kind") or "information",
        presenter=(row.get("presenter") or "").strip(), description=(row.get("description") or "").strip(),
        proposal=(row.get("proposal") or "").strip(), standing=bool(row.get("standing")),
        confidential=bool(row.get("confidential")), matter_id=matter.id if matter else None,
        placement=row.get("placement") or "main",
    )
    meeting.items.append(item)
    return item


def held(meeting: Meeting) -> str:
    """Why a meeting's kallelse and agenda are past, in Swedish ("" while they are not): its
    protokoll is started, or justerat and locked for ever."""
    if meeting.minutes is None:
        return ""
    if meeting.minutes.justerad:
        return f"Mötet {meeting.date} är hållet och protokollet är justerat"
    return f"Mötet {meeting.date} är hållet och protokollet är påbörjat"


def ensure_agenda_editable(meeting: Meeting) -> None:
    """The agenda changes until the protokoll is started; a cancelled meeting's not at all."""
    if meeting.minutes is not None and meeting.minutes.justerad:
        raise RuleViolation("justerad", f"{held(meeting)}; dagordningen kan inte ändras. Ett beslut ändras genom ett "
                                        "nytt beslut på ett senare möte.")
    if meeting.minutes is not None:
        raise RuleViolation("minutes_started", "Protokollet är påbörjat; dagordningen kan inte längre ändras. "
                                               "Ändra i protokollets paragrafer i stället.")
    if meeting.cancelled:
        raise RuleViolation("cancelled", f"Mötet {meeting.date} är inställt; ta tillbaka det först om det ska hållas.")


def _note_change(meeting: Meeting, description: str) -> None:
    """After the kallelse went out, every change is an ändring i föredragningslistan, kept to be sent."""
    if meeting.notice_sent:
        meeting.changes.append(AgendaChange(meeting_id=meeting.id, at=utcnow(), description=description))


def unsent_changes(meeting: Meeting) -> list[AgendaChange]:
    return [c for c in meeting.changes if c.sent_at is None]


def move_meeting(meeting: Meeting, *, day: date, start: time | None, end: time | None, place: str,
                 theme: str | None = None, end_date: date | None = None, confirm: bool = False) -> Meeting:
    """A new day, time or place. Once the protokoll is started the day stays (its §§ are numbered
    by it); a change after the kallelse was sent is noted for the supplement."""
    if meeting.cancelled:
        raise RuleViolation("cancelled", f"Mötet {meeting.date} är inställt; ta tillbaka det först.")
    if meeting.minutes is not None and meeting.minutes.justerad:
        raise RuleViolation("justerad", f"{held(meeting)}: dag, tid, plats och tema står kvar som de var. Ett fel "
                                        "i protokollet noteras som en rättelse bredvid det.",
                            {"date": "protokollet är justerat", "start": "protokollet är justerat",
                             "place": "protokollet är justerat"})
    if meeting.minutes is not None and (day != meeting.date or end_date != meeting.end_date):
        raise RuleViolation("minutes_started", "Protokollet är påbörjat; mötets datum kan inte längre ändras.",
                            {"date": "protokollet är påbörjat"})
    _check_times(start, end, day, end_date)
    if meeting.prepares is not None and meeting.prepares.date < day:
        raise InvalidInput(f"Mötet bereder mötet {meeting.prepares.date} ({meeting.prepares.body.name.lower()}) "
                           "och måste hållas före det.", {"date": "efter det beredda mötet"})
    if day != meeting.date:
        _check_date(meeting.body, day, confirm=confirm, meeting=meeting)
    before = _when(meeting)
    meeting.date, meeting.start, meeting.end = day, start, end
    meeting.end_date = end_date if end_date != day else None
    old_place, meeting.place = meeting.place, place.strip()
    if theme is not None:
        meeting.theme = theme.strip()
    after = _when(meeting)
    if after != before:
        _note_change(meeting, f"Mötet är flyttat från {before} till {after}.")
    if meeting.place != old_place:
        _note_change(meeting, f"Ny plats: {meeting.place or 'ej angiven'} (tidigare {old_place or 'ej angiven'}).")
    db.session.flush()
    return meeting


def _when(meeting: Meeting) -> str:
    text = meeting.date.isoformat()
    if meeting.end_date:
        text += f" – {meeting.end_date.isoformat()}"
    if meeting.start:
        text += f" klockan {sv_time(meeting.start)}" + (f"–{sv_time(meeting.end)}" if meeting.end else "")
    return text


def cancel_meeting(meeting: Meeting, *, reason: str = "") -> Meeting:
    """Cancel a meeting: it stays on the plan, marked inställt, with the reason."""
    if meeting.cancelled:
        raise RuleViolation("cancelled", f"Mötet {meeting.date} är redan inställt.")
    if meeting.minutes is not None:
        raise RuleViolation("minutes_started", "Mötet har ett protokoll och kan inte ställas in.")
    meeting.cancelled_on, meeting.cancel_reason = clock.today(), reason.strip()
    _note_change(meeting, "Mötet är inställt." + (f" {reason.strip()}" if reason.strip() else ""))
    db.session.flush()
    return meeting


def reinstate_meeting(meeting: Meeting) -> Meeting:
    """Undo a cancellation: the meeting is held after all."""
    if not meeting.cancelled:
        raise RuleViolation("not_cancelled", f"Mötet {meeting.date} är inte inställt.")
    meeting.cancelled_on, meeting.cancel_reason = None, ""
    _note_change(meeting, "Mötet blir av som planerat.")
    db.session.flush()
    return meeting


# --- the items -----------------------------------------------------------------

def _live(meeting: Meeting) -> list[AgendaItem]:
    return sorted(meeting.items, key=lambda i: i.number)


def item_by_number(meeting: Meeting, number: int) -> AgendaItem:
    found = next((i for i in meeting.items if i.number == number), None)
    if found is None:
        raise InvalidInput(f"Punkt {number} finns inte på dagordningen.", {"number": "finns inte"})
    return found


def _renumber(meeting: Meeting, order: list[AgendaItem]) -> None:
    """Give the items 1, 2, 3 … in this order; bilagor follow their item's number."""
    attachments = {id(a): a for a in meeting.attachments}
    new = {item.number: position for position, item in enumerate(order, start=1)}
    if all(old == number for old, number in new.items()):
        return
    # Two steps, so the unique (meeting, number) never sees two items on one number.
    for offset, item in enumerate(order, start=1):
        item.number = -offset
    db.session.flush()
    for position, item in enumerate(order, start=1):
        item.number = position
    for attachment in attachments.values():
        if attachment.item_number in new:
            attachment.item_number = new[attachment.item_number]
    db.session.flush()


def _insert_position(items: list[AgendaItem], placement: str, after: int | None) -> int:
    """Where a new item goes in the list: after `after`, or last in its part of the agenda."""
    if after is not None:
        index = next((n for n, i in enumerate(items) if i.number == after), None)
        if index is None:
            raise InvalidInput(f"Punkt {after} finns inte på dagordningen.", {"after": "finns inte"})
        return index + 1
    rank = PLACEMENTS.index(placement)
    return sum(1 for i in items if PLACEMENTS.index(i.placement) <= rank)


def add_item(meeting: Meeting, row: dict, *, placement: str | None = None, after: int | None = None) -> AgendaItem:
    """Add an item: last among the matters of the day (before övriga frågor and the closing), or in
    the part `placement` names, or right after item `after`. Numbers after it move down by one."""
    ensure_agenda_editable(meeting)
    placement = placement or row.get("placement") or "main"
    _check_item({**row, "placement": placement})
    items = _live(meeting)
    index = _insert_position(items, placement, after)
    if after is not None:
        placement = items[index - 1].placement
    item = _new_item(meeting, len(items) + 1, {**row, "placement": placement})
    db.session.flush()
    _renumber(meeting, items[:index] + [item] + items[index:])
    _note_change(meeting, f"Ny punkt {item.number}: {item.title}.")
    db.session.flush()
    return item


ITEM_FIELDS = ("title", "kind", "presenter", "description", "proposal", "diarienummer", "confidential", "standing",
               "placement")
_FIELD_WORDS = {"title": "rubrik", "kind": "typ", "presenter": "föredragande", "description": "beskrivning",
                "proposal": "förslag till beslut", "diarienummer": "diarienummer", "confidential": "sekretess",
                "standing": "stående punkt", "placement": "placering"}


def update_item(meeting: Meeting, number: int, changes: dict) -> AgendaItem:
    """Change an item's fields (those given); a new placement moves it last into that part."""
    ensure_agenda_editable(meeting)
    item = item_by_number(meeting, number)
    unknown = set(changes) - set(ITEM_FIELDS)
    if unknown:
        raise InvalidInput(f"Okända fält: {', '.join(sorted(unknown))}.", {key: "okänt fält" for key in unknown})
    merged = {"title": item.title, "kind": item.kind, "placement": item.placement, **changes}
    _check_item(merged)
    changed = []
    for field, value in changes.items():
        if field == "diarienummer":
            matter = matter_for(value, merged["title"])
            if (matter.id if matter else None) != item.matter_id:
                item.matter_id = matter.id if matter else None
                changed.append(field)
        elif field in ("confidential", "standing"):
            if bool(value) != getattr(item, field):
                setattr(item, field, bool(value))
                changed.append(field)
        elif field != "placement":
            value = (value or "").strip() if field != "kind" else value
            if value != getattr(item, field):
                setattr(item, field, value)
                changed.append(field)
    if "placement" in changes and changes["placement"] != item.placement:
        items = [i for i in _live(meeting) if i is not item]
        item.placement = changes["placement"]
        index = _insert_position(items, item.placement, None)
        _renumber(meeting, items[:index] + [item] + items[index:])
        changed.append("placement")
    if changed:
        words = ", ".join(_FIELD_WORDS[field] for field in changed)
        _note_change(meeting, f"Punkt {item.number} {item.title} är ändrad: {words}.")
    db.session.flush()
    return item


def move_item(meeting: Meeting, number: int, direction: str) -> AgendaItem:
    """Move an item one step up or down within its part of the agenda."""
    ensure_agenda_editable(meeting)
    if direction not in ("up", "down"):
        raise InvalidInput("Flytta punkten upp eller ned.", {"direction": "upp eller ned"})
    items = _live(meeting)
    item = item_by_number(meeting, number)
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items) or items[other].placement != item.placement:
        part = PLACEMENT_LABELS[item.placement].lower()
        where = "först" if direction == "up" else "sist"
        raise RuleViolation("cannot_move", f"Punkt {number} står redan {where} bland punkterna av typen {part}. "
                                           "Byt placering på punkten för att flytta den dit.")
    items[index], items[other] = items[other], items[index]
    old = item.number
    _renumber(meeting, items)
    _note_change(meeting, f"Punkt {old} {item.title} är flyttad till punkt {item.number}.")
    return item


# A module that hangs something on an item (an ansökan, a budget, an uppdrag, a motion) is told
# before the item goes; it lets go of it, or raises RuleViolation when it must stay.
ITEM_RELEASES: list[Callable[[AgendaItem], None]] = []


def register_item_release(release: Callable[[AgendaItem], None]) -> None:
    ITEM_RELEASES.append(release)


def remove_item(meeting: Meeting, number: int) -> AgendaItem | None:
    """Before the kallelse is sent the item goes, and the ones after it move up; after it, the
    item stays with its number, marked *utgår*, and becomes no § (an ändring to send)."""
    ensure_agenda_editable(meeting)
    item = item_by_number(meeting, number)
    if meeting.notice_sent:
        if item.withdrawn:
            raise RuleViolation("withdrawn", f"Punkt {number} utgår redan.")
        item.withdrawn = True
        _note_change(meeting, f"Punkt {number} {item.title} utgår.")
        db.session.flush()
        return item
    if any(a.item_number == number for a in meeting.attachments):
        labels = ", ".join(a.label for a in meeting.attachments if a.item_number == number)
        raise RuleViolation("has_attachments", f"Punkt {number} har bilaga {labels}; ta bort bilagan eller koppla den "
                                               "till en annan punkt först.")
    for release in ITEM_RELEASES:
        release(item)
    items = [i for i in _live(meeting) if i is not item]
    meeting.items.remove(item)
    db.session.flush()
    _renumber(meeting, items)
    return None


def restore_item(meeting: Meeting, number: int) -> AgendaItem:
    """Take back an *utgår*: the item is on the agenda again."""
    ensure_agenda_editable(meeting)
    item = item_by_number(meeting, number)
    if not item.withdrawn:
        raise RuleViolation("not_withdrawn", f"Punkt {number} står redan på dagordningen.")
    item.withdrawn = False
    _note_change(meeting, f"Punkt {number} {item.title} står kvar på dagordningen.")
    db.session.flush()
    return item


def kind_label(kind: str) -> str:
    return ITEM_KIND_LABELS.get(kind, kind)
