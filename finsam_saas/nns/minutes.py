"""The medlemsmöte's protokoll: its beslutande are the ombud on the röstlängd, and it elects its
own functionaries.

NNS stadgar § 12 [003]: each member förbund has one vote, cast by its one ombud. So at a
medlemsmöte or årsmöte the protokoll's beslutande are the ombud present (one per förbund, from
`nns_ombud`, the roll `services.fix_roll` fixes), never the seats of a board; the NNS styrelse,
the kansli and guests are present as others. This module gives meetings that roll through
`meetings.attendance.register_roll` (meetings never imports nns): the attendance form lists the
ombud, the protokoll records those present with the role "ombud", and quorum and "Beslutande
närvarande" at each § count them.

The meeting elects its ordförande and sekreterare (agenda item 3 of NNS's kallelse of
2021-12-02 [003]) and its justerare and rösträknare (item 4): anyone, not only ombud or board
members. `elect_functionaries` keeps them beside the meeting (`GeneralMeeting.presiding_chair`,
`meeting_secretary`, `justerare`, `vote_counters`); they become the protokoll's ordförande,
sekreterare and justerare (its signers), and the §§ of those items say whom the meeting elected.
Once the protokoll is justerat they never change (RuleViolation `justerad` here, and a trigger
of migration 0026 for every other path).

`GeneralMeeting.officials` (the e-mail addresses that may follow a poll's live count) is fed
from the elections: the elected ordförande's and rösträknare's addresses, where one is known
(an ombud on the roll, a contact person, a person of the kansli or a user of NNS of exactly
that name), replace those the previous elections gave; addresses typed in by hand stay.
"""
from __future__ import annotations

from flask import url_for
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.meetings import attendance, services as meetings
from finsam_saas.meetings.models import Meeting, Minutes
from finsam_saas.nns import services
from finsam_saas.nns.models import GeneralMeeting, MemberContact
from finsam_saas.organisation import services as organisation
from finsam_saas.platform.models import Membership, User, utcnow
from finsam_saas.platform.rules import InvalidInput, RuleViolation
from finsam_saas.platform.tenancy import current_tenant_id

SUBJECTS = {"medlemsmote": "Medlemsmötet", "arsmote": "Årsmötet"}  # who elected, in the §§' sentences
NAME_LENGTH = 200  # as the columns and the protokoll's own
# Which § says what: an agenda item whose title says "val av" and names the function [003].
ROLE_WORDS = {"chair": "ordförande", "secretary": "sekreterare", "justerare": "justerare", "counters": "rösträknare"}


def _clean(name: str | None) -> str:
    return " ".join((name or "").split())


def _key(name: str) -> str:
    return _clean(name).casefold()


def names_text(names: list[str]) -> str:
    """"Anna", "Anna och Bo", "Anna, Bo och Cecilia": names as a Swedish sentence lists them."""
    names = [n for n in names if n]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} och {names[-1]}" if names else ""


# --- the roll, as meetings reads it ------------------------------------------------------------

def _voters(general: GeneralMeeting) -> tuple[attendance.Voter, ...]:
    return tuple(attendance.Voter(key=str(o.id), name=_clean(o.name) or o.email, member_id=o.member_id,
                                  member_name=o.member.name) for o in services.roll(general))


def functionaries(general: GeneralMeeting) -> attendance.Functionaries | None:
    """Whom the meeting elected, as the protokoll takes them; None until entered."""
    if not general.elected:
        return None
    return attendance.Functionaries(general.presiding_chair, general.meeting_secretary, tuple(general.justerare))


def _defaults() -> dict:
    """Before the meeting has elected its own: NNS's ordförande opens it (kallelse 2021-12-02 [003],
    signed by the association's ordförande), and NNS's kansli is present."""
    chair = next((p.holder for p in services.positions() if p.role == "ordforande"), "")
    others = [(chair, "ordförande i NNS styrelse")] if chair else []
    others += [(k.name, k.title) for k in organisation.kansli() if k.name != chair]
    secretary = next((k.name for k in organisation.kansli() if k.role == "sekreterare"), "")
    return {"chair": chair, "secretary": secretary, "others": others}


def _roll_of(meeting: Meeting) -> attendance.Roll | None:
    general = services.general_meeting(meeting.id)
    if general is None:
        return None
    return attendance.Roll(
        voters=_voters(general), elected=functionaries(general), defaults=_defaults,
        elect_url=lambda: url_for("nns.general_meeting", meeting_id=meeting.id),
        started=lambda minutes: write_into_minutes(general, minutes),
        address=lambda name: _one_address(general, name),
    )


def _one_address(general: GeneralMeeting, name: str) -> str | None:
    # Only an address that is the person's without doubt: two people of the same name get none.
    found = known_emails(general).get(_key(name), set())
    return next(iter(found)) if len(found) == 1 else None


attendance.register_roll(_roll_of)


# --- the elections ---------------------------------------------------------------------------------

def _refuse_if_justerad(general: GeneralMeeting) -> None:
    minutes = general.meeting.minutes
    if minutes is not None and minutes.justerad:
        raise RuleViolation("justerad", f"Protokollet justerades {minutes.justerad_on.isoformat()}. Mötets val av "
                                        "ordförande, sekreterare, justerare och rösträknare står i det och kan inte "
                                        "längre ändras; ett uppenbart skrivfel rättas med en rättelse bredvid originalet.")


def _as_known(name: str, general: GeneralMeeting) -> str:
    """A name as the roll spells it ("anna andersson" is the ombud Anna Andersson)."""
    return next((_clean(o.name) for o in services.roll(general) if o.name and _key(o.name) == _key(name)), name)


def elect_functionaries(general: GeneralMeeting, *, chair: str, secretary: str, justerare: list[str],
                        counters: list[str] | None) -> list[int]:
    """Whom the medlemsmöte elected (agenda items 3 and 4 [003]): ordförande and sekreterare för
    mötet, one or two justerare (`justerare`, by position: the first is needed) and the rösträknare
    (`counters`; None: the justerare count the votes too). Anyone may be elected, not only ombud
    or the styrelse. They become the protokoll's ordförande, sekreterare and justerare, now if it
    is started and else when it is, and its §§ of those items say whom the meeting elected.

    Returns the numbers of the §§ written (empty before the protokoll is started). Raises
    RuleViolation `justerad` once the protokoll is justerat, and InvalidInput naming every field
    that is wrong ({"chair", "secretary", "justerare[0]", "justerare[1]", "counters[0]", …}): a
    function left empty, a name too long, the ordförande or the sekreterare as justerare, a name
    twice. Nothing is written when it raises."""
    _refuse_if_justerad(general)
    labels = {"chair": "Ordförande för mötet", "secretary": "Sekreterare för mötet"}
    errors: dict[str, str] = {}
    chosen: dict[str, str] = {}
    for field, value in (("chair", chair), ("secretary", secretary)):
        chosen[field] = _as_known(_clean(value), general)
        if not chosen[field]:
            errors[field] = "saknas"
    justerare_, counters_ = [], []
    for group, values, label in (("justerare", justerare, "Justerare"), ("counters", counters or [], "Rösträknare")):
        for index, value in enumerate(values):
            labels[f"{group}[{index}]"] = f"{label} {index + 1}"
            name = _as_known(_clean(value), general)
            if not name:
                continue
            field = f"{group}[{index}]"
            into = justerare_ if group == "justerare" else counters_
            if any(_key(name) == _key(n) for _, n in into):
                errors[field] = f"{name} står redan som {label.lower()}"
            elif group == "justerare" and _key(name) == _key(chosen["chair"]):
                errors[field] = "ordföranden justerar redan protokollet; välj någon annan"
            elif group == "justerare" and _key(name) == _key(chosen["secretary"]):
                errors[field] = "sekreteraren skriver protokollet och kan inte också justera det"
            into.append((field, name))
    if not justerare_ and "justerare[0]" not in errors:
        errors["justerare[0]"] = "saknas: mötet väljer minst en justerare"
        labels.setdefault("justerare[0]", "Justerare 1")
    if counters is not None and not counters_:
        errors["counters[0]"] = "saknas: ange rösträknare, eller kryssa i att justerarna också räknar rösterna"
        labels.setdefault("counters[0]", "Rösträknare 1")
    for field, name in [("chair", chosen["chair"]), ("secretary", chosen["secretary"]), *justerare_, *counters_]:
        if len(name) > NAME_LENGTH and field not in errors:
            errors[field] = f"för långt namn (högst {NAME_LENGTH} tecken)"
    if errors:
        raise InvalidInput("Mötets val kunde inte sparas: " + "; ".join(
            f"{labels.get(field, field)}: {reason}" for field, reason in errors.items()) + ".", errors)
    before = _officials_of(general)
    general.presiding_chair, general.meeting_secretary = chosen["chair"], chosen["secretary"]
    general.justerare = [name for _, name in justerare_]
    general.vote_counters = [name for _, name in counters_] if counters is not None else list(general.justerare)
    general.elected_at = utcnow()
    _feed_officials(general, before)
    db.session.flush()
    minutes = general.meeting.minutes
    if minutes is None:
        return []
    # Through meetings' own rules: the signers change, approvals of the earlier text are withdrawn.
    meetings.update_attendance(minutes, chair=general.presiding_chair, secretary=general.meeting_secretary,
                               justerare=list(general.justerare))
    return write_into_minutes(general, minutes)


def _subject(general: GeneralMeeting) -> str:
    return SUBJECTS.get(general.kind, SUBJECTS["medlemsmote"])


def counters_are_justerare(general: GeneralMeeting) -> bool:
    return not general.elected or [_key(n) for n in general.vote_counters] == [_key(n) for n in general.justerare]


def sentences(general: GeneralMeeting) -> dict[str, str]:
    """What the protokoll says the meeting elected, per function: {"chair": "Medlemsmötet valde
    Anna Andersson till ordförande för mötet.", "secretary", "justerare", "counters"} ("counters"
    is left out when the justerare count the votes: theirs says so)."""
    if not general.elected:
        return {}
    subject = _subject(general)
    found = {"chair": f"{subject} valde {general.presiding_chair} till ordförande för mötet.",
             "secretary": f"{subject} valde {general.meeting_secretary} till sekreterare för mötet."}
    justerare = names_text(general.justerare)
    if counters_are_justerare(general):
        found["justerare"] = f"{subject} valde {justerare} till justerare och rösträknare."
    else:
        found["justerare"] = f"{subject} valde {justerare} till justerare."
        found["counters"] = f"{subject} valde {names_text(general.vote_counters)} till rösträknare."
    return found


def election_paragraphs(minutes: Minutes) -> dict[str, int]:
    """The § of each function's election: the first § whose title says "val av" and names it
    ("Val av ordförande och sekreterare för mötet", "Val av protokolljusterare och rösträknare" [003]).
    Rösträknare without an item of their own go with the justerare."""
    found: dict[str, int] = {}
    for p in minutes.paragraphs:
        title = p.title.casefold()
        if "val av" not in title:
            continue
        for function, word in ROLE_WORDS.items():
            if word in title and function not in found:
                found[function] = p.number
    if "justerare" in found:
        found.setdefault("counters", found["justerare"])
    return found


def write_into_minutes(general: GeneralMeeting, minutes: Minutes) -> list[int]:
    """Write the elections' sentences as the beslut of their §§; lines of a beslut that say
    something else stay. Nothing before the elections are entered, nothing once justerat.
    Returns the numbers of the §§ it wrote."""
    said = sentences(general)
    if not said or minutes.justerad:
        return []
    by_paragraph: dict[int, list[str]] = {}
    for function, number in election_paragraphs(minutes).items():
        if function in said and said[function] not in by_paragraph.get(number, []):
            by_paragraph.setdefault(number, []).append(said[function])
    for number, lines in sorted(by_paragraph.items()):
        p = meetings.paragraph(minutes, number)
        kept = [line for line in p.decision.split("\n")
                if line.strip() and not line.startswith(tuple(f"{s} valde " for s in SUBJECTS.values()))]
        meetings.update_paragraph(minutes, number, decision="\n".join(lines + kept))
    return sorted(by_paragraph)


# --- the officials who follow a poll's count --------------------------------------------------------

def known_emails(general: GeneralMeeting) -> dict[str, set[str]]:
    """The e-mail addresses NNS knows by name (casefolded): the ombud on the roll, contact persons,
    the kansli and users with a membership of NNS."""
    found: dict[str, set[str]] = {}
    people = [(o.name, o.email) for o in services.roll(general)]
    people += [(c.name, c.email) for c in db.session.scalars(select(MemberContact))]
    people += [(k.name, k.email) for k in organisation.kansli()]
    people += db.session.execute(select(User.name, User.email).join(Membership, Membership.user_id == User.id)
                                 .where(Membership.tenant_id == current_tenant_id())).all()
    for name, email in people:
        if name and email:
            found.setdefault(_key(name), set()).add(email.strip().lower())
    return found


def _officials_of(general: GeneralMeeting) -> set[str]:
    """The addresses the current elections give: the ordförande's and the rösträknare's, where
    exactly one is known for the name."""
    if not general.elected:
        return set()
    known = known_emails(general)
    emails = set()
    for name in [general.presiding_chair, *general.vote_counters]:
        if len(known.get(_key(name), ())) == 1:
            emails |= known[_key(name)]
    return emails


def _feed_officials(general: GeneralMeeting, before: set[str]) -> None:
    elected = _officials_of(general)
    typed = [e for e in general.officials or [] if e not in before]
    general.officials = sorted(elected) + [e for e in typed if e not in elected]
