"""Polls at a medlemsmöte (NNS stadgar § 12): one vote per member förbund, cast by
its ombud on the fixed röstlängd; open voting, or a closed ballot for an election of
persons when anyone asks; on a tie the option the presiding chair favours wins.

A closed ballot must not be linkable to the förbund that cast it by anyone who reads what
the system stores — tables and their old row versions, the WAL, the audit log, logs —
during the poll or after it (DESIGN.md). Participation is public, as the röstlängd is
ticked on paper; the choice is not. The design (docs/secret-ballot.md):

- When the poll opens, a key pair is made (libsodium's sealed boxes, via PyNaCl). The public
  key is stored with the poll; the private key, the *rösträkningsnyckel*, is handed once to
  whoever opened it (a cookie in that browser, shown there to be written down; the API's
  open answer) and stored nowhere.
- A vote writes, in one transaction, the förbund's PollVoter row (no option) and one
  SealedBallot: the option's index sealed to the public key, with fresh randomness, the same
  length for every option. The two rows share a transaction id, an order and a moment, but
  the ballot says nothing without the private key.
- Closing takes the poll row exclusively (votes hold it shared), so every ballot committed
  before the close is counted and any later vote is refused with `poll_closed`. The
  rösträkningsnyckel comes with the close request, opens every ballot in memory, the totals
  are written into the poll's result, and the sealed ballots are deleted. Whatever copies
  of them remain in pages or the WAL stay sealed, since the key was never written.
"""
from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from finsam_saas.extensions import db
from finsam_saas.meetings import services as meetings
from finsam_saas.nns.models import GeneralMeeting, Poll, PollVoter, SealedBallot
from finsam_saas.nns.services import ombud_of, paragraph_of_item, present_members
from finsam_saas.organisation.models import Member
from finsam_saas.platform.models import utcnow
from finsam_saas.platform.rules import DomainError, InvalidInput, RuleViolation


class NotOnRoll(DomainError):
    """Only the ombud on the fixed röstlängd vote (403, as API.md says)."""

    status = 403

    def __init__(self, message: str):
        super().__init__(message, code="not_on_roll")


def create_poll(general: GeneralMeeting, *, title: str, options: list[str], secret: bool = False,
                chair_preference: str | None = None, item_number: int | None = None) -> Poll:
    """A poll prepared (draft) for the medlemsmöte. Raises InvalidInput naming the field, and
    RuleViolation `justerad` once the meeting's protokoll is justerat (nothing more is decided)."""
    _not_justerad(general)
    if not title.strip():
        raise InvalidInput("Ange vad omröstningen gäller.", {"title": "saknas"})
    cleaned = [str(o).strip() for o in options]
    if len([o for o in cleaned if o]) < 2:
        raise InvalidInput("En omröstning behöver minst två alternativ.", {"options": "färre än två"})
    if any(not o for o in cleaned):
        raise InvalidInput("Ett alternativ är tomt.", {"options": "tomt alternativ"})
    if len(set(cleaned)) != len(cleaned):
        raise InvalidInput("Samma alternativ står två gånger.", {"options": "dubbletter"})
    if chair_preference is not None and chair_preference.strip() and chair_preference.strip() not in cleaned:
        raise InvalidInput(f"Ordförandens förslag \"{chair_preference}\" är inte ett av alternativen.",
                           {"chair_preference": "inte ett alternativ"})
    if item_number is not None and item_number not in {i.number for i in general.meeting.items}:
        raise InvalidInput(f"Punkt {item_number} finns inte på dagordningen.", {"item_number": "finns inte"})
    poll = Poll(meeting_id=general.meeting_id, title=title.strip(), options=cleaned, secret=bool(secret),
                chair_preference=(chair_preference or "").strip() or None, item_number=item_number, status="draft")
    db.session.add(poll)
    db.session.flush()
    return poll


def _not_justerad(general: GeneralMeeting) -> None:
    minutes = general.meeting.minutes
    if minutes is not None and minutes.justerad:
        raise RuleViolation("justerad", f"Protokollet justerades {minutes.justerad_on.isoformat()}: mötet är avslutat och "
                                        "inga fler omröstningar kan hållas.")


def open_polls_at_justering(minutes) -> str | None:
    """Why the medlemsmöte's protokoll cannot be justerat yet: a poll still open (its result
    would never reach the §), or None (meetings' justering blocker)."""
    open_titles = db.session.scalars(select(Poll.title).where(Poll.meeting_id == minutes.meeting_id,
                                                              Poll.status == "open").order_by(Poll.id)).all()
    if not open_titles:
        return None
    names = ", ".join(f"\"{t}\"" for t in open_titles)
    return (f"Omröstningen {names} är öppen" if len(open_titles) == 1 else f"Omröstningarna {names} är öppna") + \
        ": stäng eller avbryt den innan protokollet justeras, så att resultatet kommer in i paragrafen."


meetings.register_justering_blocker(open_polls_at_justering)


def polls_of(general: GeneralMeeting) -> list[Poll]:
    return list(db.session.scalars(select(Poll).where(Poll.meeting_id == general.meeting_id).order_by(Poll.id)))


def _locked(poll: Poll, *, exclusive: bool) -> Poll:
    # Votes share the poll row, closing takes it alone: no vote lands after the count.
    return db.session.scalars(
        select(Poll).where(Poll.id == poll.id).with_for_update(read=not exclusive)
        .execution_options(populate_existing=True)
    ).one()


def open_poll(general: GeneralMeeting, poll: Poll) -> str | None:
    """Open the poll for votes. A closed ballot gets its key pair now: the public key is stored,
    the rösträkningsnyckel (the private key, as `key_text` writes it) is returned, to be handed to
    whoever will close the poll, and kept nowhere. Returns None for an open poll.
    Raises RuleViolation `roll_not_fixed`, `poll_open`, `poll_closed`."""
    _not_justerad(general)
    if general.roll_fixed_at is None:
        raise RuleViolation("roll_not_fixed", "Fastställ röstlängden innan omröstningen öppnas.")
    poll = _locked(poll, exclusive=True)
    if poll.status != "draft":
        raise RuleViolation("poll_closed" if poll.status == "closed" else "poll_open",
                            "Omröstningen är redan öppen." if poll.status == "open" else "Omröstningen är redan avslutad.")
    poll.status, poll.opened_at = "open", utcnow()
    key = None
    if poll.secret:
        private = PrivateKey.generate()
        poll.ballot_public_key = base64.b64encode(bytes(private.public_key)).decode()
        key = key_text(private)
    db.session.flush()
    return key


def key_text(private: PrivateKey) -> str:
    """The rösträkningsnyckel as people copy it: base32 in groups of four (52 characters)."""
    plain = base64.b32encode(bytes(private)).decode().rstrip("=")
    return "-".join(plain[i:i + 4] for i in range(0, len(plain), 4))


def _private_key(poll: Poll, text: str | None) -> PrivateKey:
    """The poll's private key from its text; raises InvalidInput `ballot_key` when it is missing,
    mistyped or the key of another poll."""
    cleaned = "".join((text or "").split()).replace("-", "").upper()
    if not cleaned:
        raise InvalidInput("Ange rösträkningsnyckeln: den visades för den som öppnade omröstningen och finns "
                           "kvar i den webbläsaren.", {"ballot_key": "saknas"})
    try:
        private = PrivateKey(base64.b32decode(cleaned + "=" * (-len(cleaned) % 8)))
    except (binascii.Error, ValueError, TypeError):
        raise InvalidInput("Rösträkningsnyckeln är felskriven: den har 52 tecken, A–Z och 2–7, i grupper om fyra.",
                           {"ballot_key": "felskriven"}) from None
    if base64.b64encode(bytes(private.public_key)).decode() != poll.ballot_public_key:
        raise InvalidInput("Rösträkningsnyckeln hör inte till den här omröstningen.", {"ballot_key": "fel nyckel"})
    return private


BALLOT_BYTES = 2  # the option's index, big-endian: every sealed ballot has the same length


def _seal(poll: Poll, option: str) -> bytes:
    box = SealedBox(PublicKey(base64.b64decode(poll.ballot_public_key)))
    return box.encrypt(poll.options.index(option).to_bytes(BALLOT_BYTES, "big"))


def set_chair_preference(poll: Poll, option: str | None) -> None:
    """The option the presiding chair favours, stated before the poll opens: fixed from then, so it
    can never be chosen once a tie shows. Raises RuleViolation `preference_fixed`."""
    if poll.status != "draft":
        raise RuleViolation("preference_fixed", "Ordförandens förslag låses när omröstningen öppnas och kan inte "
                                                "ändras nu.", {"chair_preference": "låst"})
    if option and option not in poll.options:
        raise InvalidInput(f"\"{option}\" är inte ett av alternativen.", {"chair_preference": "inte ett alternativ"})
    poll.chair_preference = option or None
    db.session.flush()


def cast_vote(general: GeneralMeeting, poll: Poll, *, email: str, option: str) -> None:
    """The ombud's vote. Refused: not on the roll (403), not open, a second vote (409)."""
    ombud = ombud_of(general, email)
    if ombud is None or general.roll_fixed_at is None:
        raise NotOnRoll("Du står inte på röstlängden för mötet och kan inte rösta.")
    number = paragraph_of_item(general, poll.item_number) or general.roll_paragraph
    present = present_members(general, number)
    if present is not None and ombud.member_id not in present:
        raise NotOnRoll(f"Protokollet har inte ombudet för {ombud.member.name} närvarande vid § {number}, så ombudet kan "
                        "inte rösta. Är du på plats: be mötets sekreterare föra in dig som närvarande.")
    poll = _locked(poll, exclusive=False)
    if poll.status != "open":
        raise RuleViolation("poll_closed", {"draft": "Omröstningen är inte öppen.",
                                            "cancelled": "Omröstningen är avbruten; rösten räknas inte."}
                            .get(poll.status, "Omröstningen är stängd; rösten räknas inte."))
    if option not in poll.options:
        raise InvalidInput(f"\"{option}\" är inte ett alternativ ({', '.join(poll.options)}).", {"option": "okänt alternativ"})
    already = db.session.scalar(select(PollVoter.id).where(PollVoter.poll_id == poll.id,
                                                           PollVoter.member_id == ombud.member_id))
    if already is not None:
        raise RuleViolation("already_voted", f"{ombud.member.name} har redan röstat i omröstningen.")
    member_name = ombud.member.name
    try:
        # The unique key (poll, member) refuses a second vote racing this one.
        db.session.add(PollVoter(poll_id=poll.id, member_id=ombud.member_id, option=None if poll.secret else option))
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise RuleViolation("already_voted", f"{member_name} har redan röstat i omröstningen.") from None
    if poll.secret:
        db.session.add(SealedBallot(poll_id=poll.id, sealed=_seal(poll, option)))
        db.session.flush()


def voted(poll: Poll, member_id: int) -> bool:
    return db.session.scalar(select(PollVoter.id).where(PollVoter.poll_id == poll.id,
                                                        PollVoter.member_id == member_id)) is not None


def _open_counts(poll: Poll) -> dict[str, int]:
    """An open poll's counts, from who voted what."""
    counts = {option: 0 for option in poll.options}
    for option, n in db.session.execute(select(PollVoter.option, func.count(PollVoter.id))
                                        .where(PollVoter.poll_id == poll.id).group_by(PollVoter.option)):
        counts[option] = n
    return counts


def _opened_counts(poll: Poll, private: PrivateKey) -> dict[str, int]:
    """A closed ballot's counts: every sealed ballot opened with the rösträkningsnyckel, in memory."""
    counts = {option: 0 for option in poll.options}
    box = SealedBox(private)
    for sealed in db.session.scalars(select(SealedBallot.sealed).where(SealedBallot.poll_id == poll.id)):
        try:
            index = int.from_bytes(box.decrypt(sealed), "big")
            counts[poll.options[index]] += 1
        except (CryptoError, IndexError):
            raise RuleViolation("ballot_unreadable", "En valsedel går inte att öppna med nyckeln; omröstningen "
                                                     "kan inte räknas. Avbryt den och gör om den.") from None
    return counts


def _voter_count(poll: Poll) -> int:
    return db.session.scalar(select(func.count(PollVoter.id)).where(PollVoter.poll_id == poll.id)) or 0


ABSTAIN = {"avstår", "avstå", "avstod", "avstår från att rösta"}


def abstains(option: str) -> bool:
    """An option that is no choice: a ballot for it counts as cast but can make nothing win."""
    return option.strip().casefold() in ABSTAIN


@dataclass(frozen=True)
class Outcome:
    counts: dict[str, int]
    winner: str | None  # None: nothing was decided (no votes, all abstained, a tie the chair had not settled)
    decided_by_chair: bool
    undecided: str | None = None  # why nothing was decided: no_votes | all_abstained | tie


def decide(counts: dict[str, int], chair_preference: str | None) -> Outcome:
    """Most votes wins, abstentions aside; on a tie at the top the option the chair favoured when
    the poll opened (stadgar § 12). No votes, or only abstentions, decide nothing; nor does a tie
    the chair had stated no preference for."""
    if not sum(counts.values()):
        return Outcome(counts, None, False, "no_votes")
    choices = {option: n for option, n in counts.items() if not abstains(option)}
    top = max(choices.values(), default=0)
    if top == 0:
        return Outcome(counts, None, False, "all_abstained")
    leaders = [option for option, n in choices.items() if n == top]
    if len(leaders) == 1:
        return Outcome(counts, leaders[0], False)
    if chair_preference in leaders:
        return Outcome(counts, chair_preference, True)
    return Outcome(counts, None, False, "tie")


def close_poll(general: GeneralMeeting, poll: Poll, *, ballot_key: str | None = None) -> dict:
    """Close, count, and write the result into the item's §. A closed ballot needs its
    rösträkningsnyckel (`open_poll`); its sealed ballots are opened in memory and deleted.
    Every vote committed before the close is counted, every later one refused (`cast_vote`).
    Returns the result: {"counts": {option: n}, "winner", "decided_by_chair", "undecided",
    "ballots", "voters"}. Raises RuleViolation `poll_closed`, `count_mismatch`,
    `ballot_unreadable`; InvalidInput `ballot_key`."""
    poll = _locked(poll, exclusive=True)
    if poll.status != "open":
        raise RuleViolation("poll_closed", "Omröstningen är inte öppen.")
    if poll.secret:
        counts = _opened_counts(poll, _private_key(poll, ballot_key))
    else:
        counts = _open_counts(poll)
    ballots, voters = sum(counts.values()), _voter_count(poll)
    if ballots != voters:
        raise RuleViolation("count_mismatch", f"{ballots} valsedlar men {voters} röstande: kontakta förvaltningen.")
    outcome = decide(counts, poll.chair_preference)
    db.session.execute(delete(SealedBallot).where(SealedBallot.poll_id == poll.id))
    poll.status, poll.closed_at = "closed", utcnow()
    poll.result = {"counts": outcome.counts, "winner": outcome.winner, "decided_by_chair": outcome.decided_by_chair,
                   "undecided": outcome.undecided, "ballots": ballots, "voters": voters}
    db.session.flush()
    _into_minutes(general, poll)
    return poll.result


def cancel_poll(general: GeneralMeeting, poll: Poll) -> None:
    """Stop an open poll without counting it (a lost rösträkningsnyckel, a poll opened by mistake):
    its sealed ballots are deleted unread and the § says the poll was cancelled; the meeting votes
    again in a new poll. Raises RuleViolation `poll_closed` when it is not open."""
    poll = _locked(poll, exclusive=True)
    if poll.status != "open":
        raise RuleViolation("poll_closed", "Bara en öppen omröstning kan avbrytas.")
    db.session.execute(delete(SealedBallot).where(SealedBallot.poll_id == poll.id))
    poll.status, poll.closed_at = "cancelled", utcnow()
    poll.result = {"cancelled": True, "voters": _voter_count(poll)}
    db.session.flush()
    _into_minutes(general, poll)


def result_sentence(poll: Poll) -> str:
    result = poll.result or {}
    if result.get("cancelled"):
        return f"{poll.title}: omröstningen avbröts utan att rösterna räknades."
    counts = ", ".join(f"{option} {n}" for option, n in result.get("counts", {}).items())
    kind = "sluten omröstning" if poll.secret else "öppen omröstning"
    text = f"{poll.title}: {kind} med {result.get('voters', 0)} röstande ombud. Utfall: {counts}."
    if result.get("decided_by_chair"):
        text += f" Lika röstetal; {result['winner']} vann som det förslag ordföranden biträdde."
    elif result.get("winner"):
        text += f" {result['winner']} vann."
    elif result:
        text += " " + UNDECIDED.get(result.get("undecided"), "Inget beslut.")
    return text


UNDECIDED = {
    "no_votes": "Inga röster avgavs; frågan är inte avgjord.",
    "all_abstained": "Alla röstande avstod; frågan är inte avgjord.",
    "tie": "Lika röstetal, och ordföranden hade inte angett något förslag när omröstningen öppnades; frågan är inte avgjord.",
}


def outcome_words(result: dict | None) -> str:
    """The result in a few words for lists: the winner, or why nothing was decided."""
    if not result:
        return ""
    if result.get("cancelled"):
        return "Avbruten utan rösträkning"
    if result.get("winner"):
        return result["winner"] + (" (ordförandens förslag vid lika röstetal)" if result.get("decided_by_chair") else "")
    return UNDECIDED.get(result.get("undecided"), "Inget beslut.").split(";")[0]


def _into_minutes(general: GeneralMeeting, poll: Poll) -> None:
    minutes = general.meeting.minutes
    if poll.item_number is None or minutes is None or minutes.justerad:
        return
    paragraph = next((p for p in minutes.paragraphs if p.item_number == poll.item_number), None)
    if paragraph is None:
        return
    text = "\n".join(filter(None, [paragraph.text, result_sentence(poll)]))
    winner = (poll.result or {}).get("winner")
    if winner and not paragraph.decision.strip():
        # The meeting decided by the vote: the § says so as its beslut, until the secretary words it.
        meetings.update_paragraph(minutes, paragraph.number, text=text,
                                  decision=f"att besluta i enlighet med ”{winner}” efter omröstning")
    else:
        meetings.update_paragraph(minutes, paragraph.number, text=text)


def result(poll: Poll) -> dict:
    """What GET …/polls/<id> answers: open polls live, with who voted what; a secret
    poll's distribution only once closed, as paper ballots are counted when the vote is
    over, and never who chose what."""
    voters = sorted(db.session.execute(select(Member.name, PollVoter.option)
                                       .join(Member, Member.id == PollVoter.member_id)
                                       .where(PollVoter.poll_id == poll.id)).all())
    answer = {
        "id": poll.id, "title": poll.title, "status": poll.status, "secret": poll.secret, "options": poll.options,
        "chair_preference": poll.chair_preference, "item_number": poll.item_number,
        "counts": None, "winner": None, "decided_by_chair": False,
        "voters": [name for name, _option in voters], "ballots": len(voters),
    }
    if poll.status == "closed":
        answer.update(counts=poll.result["counts"], winner=poll.result["winner"],
                      decided_by_chair=poll.result["decided_by_chair"])
    elif not poll.secret and poll.status == "open":
        answer["counts"] = _open_counts(poll)
    if not poll.secret:
        answer["votes"] = [{"member": name, "option": option} for name, option in voters]
    return answer
