"""Polls at a medlemsmöte (NNS stadgar § 12): one vote per member förbund, cast by
its ombud on the fixed röstlängd; open voting, or a closed ballot for an election of
persons when anyone asks; on a tie the option the presiding chair favours wins.

A closed ballot is two writes in one transaction: that the förbund took part
(PollVoter, without an option) and one more ballot for the option (BallotTally, a
count). Nothing stores both, so nothing can link a förbund to its choice.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from finsam_saas.extensions import db
from finsam_saas.meetings import services as meetings
from finsam_saas.nns.models import BallotTally, GeneralMeeting, Poll, PollVoter
from finsam_saas.nns.services import ombud_of
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
    for option in cleaned:
        db.session.add(BallotTally(poll_id=poll.id, option=option, ballots=0))
    db.session.flush()
    return poll


def polls_of(general: GeneralMeeting) -> list[Poll]:
    return list(db.session.scalars(select(Poll).where(Poll.meeting_id == general.meeting_id).order_by(Poll.id)))


def _locked(poll: Poll, *, exclusive: bool) -> Poll:
    # Votes share the poll row, closing takes it alone: no vote lands after the count.
    return db.session.scalars(
        select(Poll).where(Poll.id == poll.id).with_for_update(read=not exclusive)
        .execution_options(populate_existing=True)
    ).one()


def open_poll(general: GeneralMeeting, poll: Poll) -> None:
    if general.roll_fixed_at is None:
        raise RuleViolation("roll_not_fixed", "Fastställ röstlängden innan omröstningen öppnas.")
    poll = _locked(poll, exclusive=True)
    if poll.status != "draft":
        raise RuleViolation("poll_closed" if poll.status == "closed" else "poll_open",
                            "Omröstningen är redan stängd." if poll.status == "closed" else "Omröstningen är redan öppen.")
    poll.status, poll.opened_at = "open", utcnow()
    db.session.flush()


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
    poll = _locked(poll, exclusive=False)
    if poll.status != "open":
        raise RuleViolation("poll_closed", "Omröstningen är inte öppen." if poll.status == "draft"
                            else "Omröstningen är stängd; rösten räknas inte.")
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
    db.session.execute(update(BallotTally).where(BallotTally.poll_id == poll.id, BallotTally.option == option)
                       .values(ballots=BallotTally.ballots + 1))


def voted(poll: Poll, member_id: int) -> bool:
    return db.session.scalar(select(PollVoter.id).where(PollVoter.poll_id == poll.id,
                                                        PollVoter.member_id == member_id)) is not None


def _tallies(poll: Poll) -> dict[str, int]:
    counts = {option: 0 for option in poll.options}
    for tally in db.session.scalars(select(BallotTally).where(BallotTally.poll_id == poll.id)):
        counts[tally.option] = tally.ballots
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


def close_poll(general: GeneralMeeting, poll: Poll) -> dict:
    """Close, count, and write the result into the item's §."""
    poll = _locked(poll, exclusive=True)
    if poll.status != "open":
        raise RuleViolation("poll_closed", "Omröstningen är inte öppen.")
    counts = _tallies(poll)
    ballots, voters = sum(counts.values()), _voter_count(poll)
    if ballots != voters:
        raise RuleViolation("count_mismatch", f"{ballots} valsedlar men {voters} röstande: kontakta förvaltningen.")
    outcome = decide(counts, poll.chair_preference)
    # Rewritten in this transaction so that no tally row keeps the mark of the last vote's transaction.
    db.session.execute(update(BallotTally).where(BallotTally.poll_id == poll.id).values(ballots=BallotTally.ballots))
    poll.status, poll.closed_at = "closed", utcnow()
    poll.result = {"counts": outcome.counts, "winner": outcome.winner, "decided_by_chair": outcome.decided_by_chair,
                   "undecided": outcome.undecided, "ballots": ballots, "voters": voters}
    db.session.flush()
    _into_minutes(general, poll)
    return poll.result


def result_sentence(poll: Poll) -> str:
    result = poll.result or {}
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
        answer["counts"] = _tallies(poll)
    if not poll.secret:
        answer["votes"] = [{"member": name, "option": option} for name, option in voters]
    return answer
