"""The half-year follow-up PM (seed 003), produced from the data: the insatser of
the period, goal status, the quality table, budget and consumption, outcomes by
sex, and a short summary written from the figures."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

from sqlalchemy import Select, bindparam, select

from finsam_saas.extensions import db
from finsam_saas.insatser import services
from finsam_saas.insatser.models import QUALITY_QUESTIONS, SEXES, Insats, QuarterlyReport
from finsam_saas.platform.formatting import percent
from finsam_saas.platform.rules import InvalidInput


@dataclass
class FollowUp:
    year: int
    half: int
    first: date
    last: date
    insatser: list[Insats]
    reports: dict[int, QuarterlyReport]
    spend: list
    outcomes: dict[int, dict]
    goal_results: dict[int, list] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)

    @property
    def period_label(self) -> str:
        return f"kvartal {'1 och 2' if self.half == 1 else '3 och 4'} år {self.year}"


@cache
def _insatser_of_a_half() -> Select:
    """The insatser running in a half-year with the half's quarterly reports, the year's grant and
    latest spend, in one query; built once (its building cost more than running it), executed
    with year, quarters, first and last."""
    year = bindparam("year")
    query = (select(Insats, QuarterlyReport)
             .outerjoin(QuarterlyReport, (QuarterlyReport.insats_id == Insats.id) & (QuarterlyReport.year == year)
                        & QuarterlyReport.quarter.in_(bindparam("quarters", expanding=True))))
    return (services.with_grant_and_latest_spend(query, year)
            .where(Insats.start <= bindparam("last"), Insats.end >= bindparam("first"))
            .order_by(Insats.kind, Insats.name, QuarterlyReport.quarter))


def followup(year: int, half: int) -> FollowUp:
    if half not in (1, 2):
        raise InvalidInput("Välj första eller andra halvåret.", {"half": "1 eller 2"})
    first, last = services.period_bounds(f"{year}H{half}")
    quarters = (1, 2) if half == 1 else (3, 4)
    insatser, reports, spend = [], {}, []
    for insats, report, *grant_and_spend in db.session.execute(
            _insatser_of_a_half(), {"year": year, "quarters": list(quarters), "first": first, "last": last}):
        if not insatser or insatser[-1] is not insats:
            insatser.append(insats)
            spend.append(services.spend_row(insats, year, *grant_and_spend))
        if report is not None:
            reports[insats.id] = report  # the latest quarter of the half wins
    ids = [i.id for i in insatser]
    outcomes = {}
    all_outcomes = services.outcomes_for(ids, [f"{year}H{half}", str(year)])
    for insats in insatser:
        by_period = all_outcomes.get(insats.id, {})
        summary = by_period.get(f"{year}H{half}") or (by_period.get(str(year)) if half == 2 else None)
        if summary:
            outcomes[insats.id] = summary
    goals = services.goals_for(ids)
    goal_results = {i.id: services.check_goals(i, f"{year}H{half}", outcomes[i.id], goals.get(i.id, []))
                    for i in insatser if i.id in outcomes}
    result = FollowUp(year, half, first, last, insatser, reports, spend, outcomes, goal_results)
    result.summary = _summary(result)
    return result


def _summary(f: FollowUp) -> list[str]:
    kinds = {kind: sum(1 for i in f.insatser if i.kind == kind) for kind in ("individ", "struktur", "ovrig")}
    lines = [f"Under {f.period_label} pågick {len(f.insatser)} insatser: {kinds['individ']} individinsatser, "
             f"{kinds['struktur']} strukturinsatser och {kinds['ovrig']} övriga."]
    assessed = [r for r in f.reports.values() if r.status]
    if assessed:
        counts = {s: sum(1 for r in assessed if r.status == s) for s in ("green", "yellow", "red")}
        lines.append(f"Kansliet bedömer {counts['green']} insatser som gröna, {counts['yellow']} som gula och "
                     f"{counts['red']} som röda; {len(f.insatser) - len(f.reports)} har inte lämnat kvartalsrapport.")
    elif f.insatser:
        lines.append(f"{len(f.reports)} av {len(f.insatser)} insatser har lämnat kvartalsrapport för perioden.")
    ratios = [r for r in f.spend if r.ratio is not None]
    if ratios:
        over = [r.insats.name for r in ratios if r.ratio > 110]
        under = [r.insats.name for r in ratios if r.ratio < 90]
        text = f"{len(ratios)} insatser har rapporterat utfall."
        if over:
            text += f" Över 110 % av budget för perioden: {', '.join(over)}."
        if under:
            text += f" Under 90 %: {', '.join(under)}."
        lines.append(text)
    if f.outcomes:
        totals = {k: sum(o["total"][k] for o in f.outcomes.values()) for k in ("participants", "ended", "to_work", "to_studies")}
        share = services._share(totals["to_work"] + totals["to_studies"], totals["ended"])
        women = sum(o["women"]["participants"] for o in f.outcomes.values())
        lines.append(f"I de insatser som rapporterat deltagare deltog {totals['participants']} personer "
                     f"({women} kvinnor och {totals['participants'] - women} män). Av de {totals['ended']} som avslutades "
                     f"gick {percent(share)} till arbete eller studier.")
    return lines


QUESTIONS = QUALITY_QUESTIONS
SEX_LABELS = {"women": "Kvinnor", "men": "Män"}
__all__ = ["followup", "FollowUp", "QUESTIONS", "SEXES", "SEX_LABELS"]
