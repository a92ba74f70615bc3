"""Who is present and who decides at each §: beslutande never exceed the body's seats.

An ordinarie ledamot decides while present. An ersättare serves only in the place of an
absent (or jävig) ordinarie ledamot of the same member, and of a member's ersättare the
first present in the register's order serves first (lag 2003:1210 § 10; kommunallagen
5 kap. 17–19 §§ and 6 kap. 28 §, as seed 000 records Patrik Nilsson, ersättare for
Robertsfors kommun, among the övriga deltagare). The protokoll keeps the body's ordinarie
ledamöter of the meeting's day (`Minutes.ordinarie`), so a later change of the register
changes no protokoll.

Some meetings are decided by a roll of ombud rather than by a body's seats (NNS's medlemsmöte:
each member förbund's one ombud, stadgar § 12 [003]). The module that keeps such a roll
registers it here (`register_roll`); meetings never imports that module. The protokoll then
records each ombud present as an attendee with the role "ombud" (who decides), checked against
the roll, so that a justerat protokoll keeps who decided whatever happens to the roll later.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from finsam_saas.meetings.models import ATTENDEE_ROLES, Attendee, Meeting, Minutes, Paragraph
from finsam_saas.organisation.models import Body, Member, Seat
from finsam_saas.platform.rules import InvalidInput


def register_on(body: Body, day: date) -> list[Seat]:
    """The body's seats held on the day, ordinarie first, ersättare in their order."""
    return [s for s in body.seats if s.serves_on(day)]


# --- a roll of ombud in place of the seats ---------------------------------------------------

@dataclass(frozen=True)
class Voter:
    """One who may decide at a meeting with a roll: an ombud and the member they vote for.
    `key` is stable within the meeting (the form's field names use it)."""

    key: str
    name: str
    member_id: int | None
    member_name: str


@dataclass(frozen=True)
class Functionaries:
    """Who a meeting elected to lead it and to justera its protokoll."""

    chair: str
    secretary: str
    justerare: tuple[str, ...]


@dataclass(frozen=True)
class Roll:
    """A meeting's roll, as the module that keeps it gives it (`register_roll`).

    `voters`: the ombud on the roll, in its order. `elected`: the chair, secretary and justerare
    the meeting elected, None until they are entered; then the protokoll's are these. `defaults`
    (called only by the attendance form): {"chair", "secretary", "others": [(name, title)]} to
    offer before anything is entered. `elect_url` (called only in a request): the page where the
    elections are entered. `started(minutes)`: called when the meeting's protokoll is started,
    for the module to write what it keeps into the §§ (the elections' sentences). `address(name)`:
    the one e-mail address the module knows for a person by name (an ombud, a guest elected
    justerare), or None, for mail to signers who hold no seat."""

    voters: tuple[Voter, ...]
    elected: Functionaries | None
    defaults: Callable[[], dict] = lambda: {}
    elect_url: Callable[[], str] = lambda: ""
    started: Callable[[Minutes], None] = lambda minutes: None
    address: Callable[[str], str | None] = lambda name: None


# fn(meeting) -> Roll, or None for a meeting that is not the module's. Every protokoll page, PDF
# and attendance form asks, of every tenant's meetings: a provider answers a meeting not its own
# in at most one query (nns: is there a medlemsmöte of this meeting?).
ROLL_PROVIDERS: list[Callable[[Meeting], Roll | None]] = []


def register_roll(provider: Callable[[Meeting], Roll | None]) -> None:
    """A module whose meetings are decided by a roll of ombud, not by the body's seats."""
    ROLL_PROVIDERS.append(provider)


def roll_of(meeting: Meeting) -> Roll | None:
    """The meeting's roll from the module that keeps it; None for a meeting of seats (a board)."""
    for provider in ROLL_PROVIDERS:
        found = provider(meeting)
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class OnRoll:
    """An ombud on the roll and whether the protokoll has them present (their attendee row)."""

    voter: Voter
    attendee: Attendee | None


def roll_attendance(minutes: Minutes, roll: Roll | None) -> list[OnRoll]:
    """Each ombud on the roll with their attendee row or None (absent), then any ombud the
    protokoll has present who is no longer on the roll. [] without a roll."""
    if roll is None:
        return []
    ombud = [a for a in minutes.attendees if a.role == "ombud"]
    rows, seen = [], set()
    for voter in roll.voters:
        attendee = next((a for a in ombud if (a.member_id is not None and a.member_id == voter.member_id)
                         or a.name == voter.name), None)
        if attendee is not None:
            seen.add(attendee.id)
        rows.append(OnRoll(voter, attendee))
    for a in ombud:
        if a.id not in seen:
            rows.append(OnRoll(Voter("", a.name, a.member_id, a.member.name if a.member else a.title), a))
    return rows


def _voter_for(name: str, member_name: str, voters: tuple[Voter, ...], key: str) -> Voter:
    wanted = " ".join(name.split()).casefold()
    by_name = next((v for v in voters if v.name.casefold() == wanted), None)
    by_member = next((v for v in voters if member_name and v.member_name == member_name), None)
    voter = by_name or by_member
    listing = ", ".join(f"{v.name} ({v.member_name})" for v in voters) or "inga ombud är anmälda"
    if voter is None:
        raise InvalidInput(f"{name} är inte ombud på röstlängden ({listing}).", {f"{key}.name": "inte ombud"})
    if member_name and voter.member_name != member_name:
        raise InvalidInput(f"{name} är ombud för {voter.member_name}, inte {member_name}.", {f"{key}.member": "fel förbund"})
    return voter


def _rank(seat: Seat) -> tuple:
    return (seat.seat != "ordinarie", seat.substitute_order is None, seat.substitute_order or 0, seat.position)


def parse(attendees: list[dict], *, body: Body, day: date, members: dict[str, Member],
          numbers: list[int] = (), roll: Roll | None = None) -> tuple[list[dict], list | None]:
    """Check the attendance against the register (or the meeting's roll) and put it in the
    protokoll's order.

    `attendees`: [{"name", "role": ledamot | ersattare | ombud | ovrig, "member", "title", "serving",
    "from", "to"}]. Returns (rows for Attendee, the ordinarie snapshot or None when the body has no
    register or the meeting has a roll). Raises InvalidInput naming the person: a ledamot or
    ersättare who holds no such seat on the day, a member other than the one that appointed them,
    a name twice, a § range backwards or outside the protokoll's §§ (`numbers`); with a `roll`
    (its ombud, not the seats, decide) a ledamot or ersättare at all, or an ombud not on the roll
    or for another member; without one, an ombud.
    """
    seats = [] if roll is not None else register_on(body, day)
    by_name = {s.person: s for s in seats}
    rows, names = [], set()
    for index, row in enumerate(attendees):
        key = f"attendees[{index}]"
        name = (row.get("name") or "").strip()
        if not name:
            raise InvalidInput(f"Deltagare {index + 1} saknar namn.", {f"{key}.name": "saknas"})
        role = row.get("role") or "ledamot"
        if role not in ATTENDEE_ROLES:
            raise InvalidInput(f"{name}: okänd roll \"{role}\" (ledamot, ersättare, ombud eller övrig deltagare).",
                               {f"{key}.role": "okänd roll"})
        member_name = (row.get("member") or "").strip()
        if roll is not None and role in ("ledamot", "ersattare"):
            raise InvalidInput(f"{name}: mötet har inga ledamöter eller ersättare; beslutande är ombuden på röstlängden. "
                               "Ange rollen ombud eller övrig deltagare.", {f"{key}.role": "inte på mötet"})
        if roll is None and role == "ombud":
            raise InvalidInput(f"{name}: {body.name.lower()} har ingen röstlängd med ombud; ange ledamot, ersättare "
                               "eller övrig deltagare.", {f"{key}.role": "ingen röstlängd"})
        voter = _voter_for(name, member_name, roll.voters, key) if role == "ombud" else None
        if voter is not None:  # as the roll spells them, for the member they vote for
            name, member_name = voter.name, voter.member_name
        if name in names:
            raise InvalidInput(f"{name} står två gånger bland deltagarna.", {f"{key}.name": "finns redan"})
        names.add(name)
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
        if voter is not None:  # in the roll's order, after any seats, before the others
            rank = (1, roll.voters.index(voter))
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
