"""The årshjul: each tenant's recurring duties, and whether the year's plan holds the meeting a
duty needs (DOMAIN.md; finsam.se: the budget adopted by 30 November, the årsredovisning within
three months of the year's end). A förbund has the defaults below unless its tenant file gives
`settings.arshjul`; NNS (an association) has its own.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from finsam_saas.meetings.models import Meeting
from finsam_saas.platform.formatting import MONTHS


@dataclass(frozen=True)
class Duty:
    """A recurring duty in `month`; with `body_kind`, a meeting of such a body must fall between
    `start` and `by` ("MM-DD") of the year, or the duty is flagged."""

    month: int
    title: str
    detail: str
    body_kind: str | None = None
    start: str | None = None
    by: str | None = None

    @property
    def month_name(self) -> str:
        return MONTHS[self.month - 1]


FORBUND_DUTIES = (
    Duty(2, "Uppföljning av analysgruppens rekommendationer", "Styrelsen följer upp förra årets rekommendationer."),
    Duty(3, "Årsredovisning", "Styrelsen fastställer årsredovisningen inom tre månader efter årets slut.",
         "styrelse", "01-01", "03-31"),
    Duty(3, "Socialt bokslut publiceras", "Publiceras i mars."),
    Duty(5, "Analysgruppens rekommendationer", "Lämnas i maj–juni."),
    Duty(6, "Analysgruppens rekommendationer", "Lämnas i maj–juni."),
    Duty(11, "Verksamhetsplan och budget", "Ska vara antagna senast 30 november.", "styrelse", "09-01", "11-30"),
)

ASSOCIATION_DUTIES = (
    Duty(1, "Nomineringar", "Medlemsförbunden nominerar kandidater till valberedningen senast 31 januari."),
    Duty(4, "Årsmöte", "Årsmötet hålls under våren, vid ordinarie tillfälle i mars–april.", "medlemsmote", "03-01",
         "05-31"),
    Duty(10, "Motioner till medlemsmötet", "Sista dag för motioner; de skickas ut med styrelsens yttrande minst två "
         "veckor före mötet."),
    Duty(12, "Medlemsmöte", "Medlemsmöte under hösten.", "medlemsmote", "09-01", "12-31"),
)


def duties(tenant) -> tuple[Duty, ...]:
    """The tenant's årshjul: its tenant file's `settings.arshjul`, or the defaults of its kind."""
    own = (tenant.settings or {}).get("arshjul")
    if own:
        return tuple(Duty(**row) for row in own)
    return ASSOCIATION_DUTIES if tenant.kind == "association" else FORBUND_DUTIES


MEETING_WORDS = {"styrelse": "styrelsemöte", "medlemsmote": "medlemsmöte", "au": "möte i arbetsutskottet"}


@dataclass(frozen=True)
class Flag:
    duty: Duty
    year: int
    text: str


def _day(year: int, month_day: str) -> date:
    month, day = (int(part) for part in month_day.split("-"))
    return date(year, month, day)


def check_year(tenant, year: int, meetings: list[Meeting]) -> list[Flag]:
    """The duties whose meeting the year's plan lacks: "Inget möte med styrelsen 2022-09-01 –
    2022-11-30 för Verksamhetsplan och budget (senast 30 november)". `meetings`: the year's, with bodies."""
    flags = []
    for duty in duties(tenant):
        if duty.body_kind is None or duty.by is None:
            continue
        start, by = _day(year, duty.start or "01-01"), _day(year, duty.by)
        held = [m for m in meetings if m.body.kind == duty.body_kind and not m.cancelled and start <= m.date <= by]
        if not held:
            word = MEETING_WORDS.get(duty.body_kind, "möte")
            flags.append(Flag(duty, year, f"Inget {word} {start} – {by} för {duty.title[0].lower()}{duty.title[1:]}: "
                                          f"{duty.detail[0].lower()}{duty.detail[1:]}"))
    return flags
