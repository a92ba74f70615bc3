"""Who is present and who decides at each §: beslutande never exceed the body's seats.

An ordinarie ledamot decides while present. An ersättare serves only in the place of an
absent (or jävig) ordinarie ledamot of the same member, and of a member's ersättare the
first present in the register's order serves first (lag 2003:1210 § 10; kommunallagen
5 kap. 17–19 §§ and 6 kap. 28 §, as seed 000 records Patrik Nilsson, ersättare for
Robertsfors kommun, among the övriga deltagare). The protokoll keeps the body's ordinarie
ledamöter of the meeting's day (`Minutes.ordinarie`), so a later change of the register
changes no protokoll.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from finsam_saas.meetings.models import ATTENDEE_ROLES, Attendee, Minutes, Paragraph
from finsam_saas.organisation.models import Body, Member, Seat
from finsam_saas.platform.rules import InvalidInput


def register_on(body: Body, day: date) -> list[Seat]:
    """The body's seats held on the day, ordinarie first, ersättare in their order."""
    return [s for s in body.seats if s.serves_on(day)]


def _rank(seat: Seat) -> tuple:
    return (seat.seat != "ordinarie", seat.substitute_order is None, seat.substitute_order or 0, seat.position)


def parse(attendees: list[dict], *, body: Body, day: date, members: dict[str, Member],
          numbers: list[int] = ()) -> tuple[list[dict], list | None]:
    """Check the attendance against the register and put it in the protokoll's order.

    `attendees`: [{"name", "role": ledamot | ersattare | ovrig, "member", "title", "serving", "from", "to"}].
    Returns (rows for Attendee, the ordinarie snapshot or None when the body has no register).
    Raises InvalidInput naming the person: a ledamot or ersättare who holds no such seat on the
    day, a member other than the one that appointed them, a name twice, a § range backwards or
    outside the protokoll's §§ (`numbers`).
    """
    seats = register_on(body, day)
    by_name = {s.person: s for s in seats}
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
            raise InvalidInput(f"{name}: okänd roll \"{role}\" (ledamot, ersättare eller övrig deltagare).",
                               {f"{key}.role": "okänd roll"})
        member_name = (row.get("member") or "").strip()
        member = members.get(member_name) if member_name else None
        if member_name and member is None and role != "ovrig":
            raise InvalidInput(f"{name}: \"{member_name}\" är inte medlem i förbundet.", {f"{key}.member": "okänd medlem"})
        seat = by_name.get(name)
        rank = (2, index)
        if seats and role in ("ledamot", "ersattare"):
            wanted = "ordinarie" if role == "ledamot" else "ersattare"
            if seat is None or seat.seat != wanted:
                listing = ", ".join(s.person for s in seats if s.seat == wanted) or "inga"
                what = "ordinarie ledamot" if role == "ledamot" else "ersättare"
                raise InvalidInput(
                    f"{name} är inte {what} i {body.name.lower()} {day} enligt registret "
                    f"({'ordinarie ledamöter' if role == 'ledamot' else 'ersättare'}: {listing}).",
                    {f"{key}.name": f"inte {what}"})
            if member is not None and seat.appointed_by_id not in (None, member.id):
                raise InvalidInput(f"{name} är utsedd av {seat.appointed_by.name}, inte {member.name}.",
                                   {f"{key}.member": "fel medlem"})
            member = seat.appointed_by
            rank = (0, *_rank(seat))
        start, end = row.get("from"), row.get("to")
        if start is not None and end is not None and end < start:
            raise InvalidInput(f"{name}: närvaron slutar före den börjar (§ {start}–{end}).", {f"{key}.to": "före från"})
        for field, number in (("from", start), ("to", end)):
            if number is not None and numbers and not numbers[0] <= number <= numbers[-1]:
                raise InvalidInput(f"{name}: § {number} finns inte i protokollet, som har §§ {numbers[0]}–{numbers[-1]}.",
                                   {f"{key}.{field}": f"§ {numbers[0]}–{numbers[-1]}"})
        rows.append({
            "name": name, "role": role, "member_id": member.id if member else None,
            "title": (row.get("title") or ("" if member else member_name)).strip(),
            # An ersättare serves when a seat of their member is free, unless told not to.
            "serving": role == "ersattare" and row.get("serving") is not False,
            "from_number": start, "to_number": end, "_rank": rank, "_asked": row.get("serving") is True,
            "_key": key,
        })
    rows.sort(key=lambda r: r.pop("_rank"))
    for position, row in enumerate(rows):
        row["position"] = position
    snapshot = [[s.person, s.appointed_by_id] for s in seats if s.seat == "ordinarie"] if seats else None
    return rows, snapshot


@dataclass(frozen=True)
class Serving:
    """An ersättare's service at one §: in whose place."""

    number: int
    replaces: str


def deciding_at(minutes: Minutes, number: int, paragraph: Paragraph | None = None) -> list[Attendee]:
    """Beslutande at § `number`, less those who left for jäv; in the protokoll's order."""
    return [a for a, _ in _deciding(minutes, number, paragraph)]


def _deciding(minutes: Minutes, number: int, paragraph: Paragraph | None) -> list[tuple[Attendee, str]]:
    recused = set(paragraph.recused) if paragraph is not None else set()
    present = [a for a in minutes.attendees if a.present_at(number) and a.name not in recused]
    if minutes.ordinarie is None:  # no register: as written
        return [(a, "") for a in present if a.decides]
    sitting = {a.name for a in present if a.role == "ledamot"}
    absent: dict[int | None, list[str]] = {}
    for name, member_id in minutes.ordinarie:
        if name not in sitting:
            absent.setdefault(member_id, []).append(name)
    found = [(a, "") for a in present if a.role == "ledamot"]
    for a in present:
        if a.role == "ersattare" and a.serving and a.member_id is not None and absent.get(a.member_id):
            found.append((a, absent[a.member_id].pop(0)))
    return sorted(found, key=lambda pair: pair[0].position)


def service(minutes: Minutes, numbers: list[int]) -> dict[int, list[Serving]]:
    """Each attendee's (by id) §§ as beslutande: whom an ersättare replaced, "" for a ledamot."""
    found: dict[int, list[Serving]] = {}
    for number in numbers:
        for attendee, replaces in _deciding(minutes, number, None):
            found.setdefault(attendee.id, []).append(Serving(number, replaces))
    return found


def at_each(minutes: Minutes) -> tuple[dict[int, int], dict[int, list[Serving]]]:
    """In one pass over the §§: the number of beslutande at each § less those who left for jäv
    ({number: count}), and each attendee's service as `service` gives it."""
    present: dict[int, int] = {}
    found: dict[int, list[Serving]] = {}
    for paragraph in minutes.paragraphs:
        pairs = _deciding(minutes, paragraph.number, None)
        for attendee, replaces in pairs:
            found.setdefault(attendee.id, []).append(Serving(paragraph.number, replaces))
        present[paragraph.number] = len(_deciding(minutes, paragraph.number, paragraph) if paragraph.recused else pairs)
    return present, found


def instead_of_javiga(minutes: Minutes) -> dict[int, list[tuple[str, str]]]:
    """At each § with a jäv, the ersättare who served in place of those who left:
    {number: [(ersättare, whom they replaced)]}, for the protokoll to say so at the §."""
    found: dict[int, list[tuple[str, str]]] = {}
    for paragraph in minutes.paragraphs:
        if paragraph.recused:
            found[paragraph.number] = [(a.name, replaces) for a, replaces in _deciding(minutes, paragraph.number, paragraph)
                                       if replaces in paragraph.recused]
    return found


def check(minutes: Minutes, rows: list[dict], numbers: list[int], seats: int) -> None:
    """Refuse attendance under which beslutande would exceed the seats, or an ersättare asked to
    serve (`"serving": true`) would serve at no § — naming the person and the reason."""
    attendees = minutes.attendees
    for number in numbers:
        deciding = _deciding(minutes, number, None)
        if seats and len(deciding) > seats:
            names = ", ".join(a.name for a, _ in deciding)
            raise InvalidInput(f"Vid § {number} blir {len(deciding)} beslutande, fler än de {seats} ordinarie platserna: "
                               f"{names}.", {"attendees": "fler beslutande än platser"})
    served = {a.name for n in numbers for a, _ in _deciding(minutes, n, None)}
    for row, attendee in zip(rows, attendees):
        if row["_asked"] and attendee.name not in served:
            raise InvalidInput(f"{attendee.name} kan inte tjänstgöra: {_why_not(minutes, attendee)}",
                               {f"{row['_key']}.serving": "kan inte tjänstgöra"})


def _why_not(minutes: Minutes, attendee: Attendee) -> str:
    if minutes.ordinarie is None:
        return "organet har inga ordinarie platser i registret."
    own = [name for name, member_id in minutes.ordinarie if member_id == attendee.member_id]
    if not own:
        return "medlemmen som utsett ersättaren har ingen ordinarie plats i organet."
    before = [a.name for a in minutes.attendees if a.role == "ersattare" and a.member_id == attendee.member_id
              and a.position < attendee.position and a.serving]
    if before:
        return f"{', '.join(before)} går före i ersättarordningen och tjänstgör för {', '.join(own)}."
    return f"den ordinarie ledamoten {', '.join(own)} är närvarande när ersättaren är det."


def strip_private(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]
