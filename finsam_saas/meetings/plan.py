"""The recurring duties on every förbund's årshjul (DOMAIN.md, finsam.se)."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Duty:
    month: int
    title: str
    detail: str


RECURRING_DUTIES = (
    Duty(2, "Uppföljning av analysgruppens rekommendationer", "Styrelsen följer upp förra årets rekommendationer."),
    Duty(3, "Årsredovisning", "Inom tre månader efter årets slut."),
    Duty(3, "Socialt bokslut publiceras", "Publiceras i mars."),
    Duty(5, "Analysgruppens rekommendationer", "Lämnas i maj–juni."),
    Duty(6, "Analysgruppens rekommendationer", "Lämnas i maj–juni."),
    Duty(11, "Verksamhetsplan och budget", "Ska vara antagna senast 30 november."),
)
