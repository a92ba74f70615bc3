"""Socialt bokslut and the analysgrupp's recommendations, as the seed papers set the rules.

A survey question counts as met when at least 80 % of those who answered chose the
top three steps of the scale; the board accepts a deviation of 10 percentage points;
a question answered by fewer than half of those asked is not judged at all. Goal
areas carry index points (100/50/50/25/25 → 40/20/20/10/10 %), and each area is
judged on the five-step scale.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from finsam_saas.extensions import db
from finsam_saas.insatser.models import (
    DEFAULT_GOAL_AREAS, FULFILMENT_SCALE, GoalArea, Insats, Recommendation, SocialReport, SurveyQuestion,
)
from finsam_saas.platform.rounding import share
from finsam_saas.platform.rules import InvalidInput, RuleViolation

TOP_THREE_TARGET = 80.0
TOLERANCE = 10.0
RESPONSE_FLOOR = 50.0


@dataclass(frozen=True)
class QuestionResult:
    question: SurveyQuestion
    response_rate: float | None
    top_three_share: float | None

    @property
    def judged(self) -> bool:
        return self.response_rate is not None and self.response_rate >= RESPONSE_FLOOR

    @property
    def met(self) -> bool | None:
        if not self.judged or self.top_three_share is None:
            return None
        return self.top_three_share >= TOP_THREE_TARGET - TOLERANCE


def judge(question: SurveyQuestion) -> QuestionResult:
    """The response rate (answered of asked) and the top-three share (of those who answered), in
    percent with one decimal rounded half up; None where the base is 0."""
    return QuestionResult(question, share(question.answered, question.asked), share(question.top_three, question.answered))


def suggested_step(results: list[QuestionResult]) -> int | None:
    """The five-step scale from the share of judged questions that are met."""
    judged = [r for r in results if r.met is not None]
    if not judged:
        return None
    met = sum(1 for r in judged if r.met) / len(judged)
    if met == 1:
        return 5
    if met >= 0.75:
        return 4
    if met >= 0.5:
        return 3
    return 2 if met > 0 else 1


@dataclass(frozen=True)
class AreaResult:
    area: GoalArea
    weight: float
    questions: list[QuestionResult]
    suggested: int | None

    @property
    def step(self) -> int | None:
        return self.area.assessed_step or self.suggested

    @property
    def step_label(self) -> str:
        return FULFILMENT_SCALE.get(self.step, "Inte bedömt") if self.step else "Inte bedömt"


def report_results(report: SocialReport) -> tuple[list[AreaResult], float | None]:
    """Each area with its weight and judgement, and the weighted fulfilment of the whole (percent)."""
    total_points = sum(a.index_points for a in report.areas) or 1
    areas = []
    for area in report.areas:
        results = [judge(q) for q in area.questions]
        areas.append(AreaResult(area, share(area.index_points, total_points), results, suggested_step(results)))
    judged = [a for a in areas if a.step]
    if not judged:
        return areas, None
    weight = sum(a.area.index_points for a in judged)
    # Σ points × step / 5 over Σ points, as one exact fraction: each area's step / 5 as a float
    # would already be rounded before the half.
    return areas, share(sum(a.area.index_points * a.step for a in judged), weight * 5)


def create_report(insats: Insats, year: int) -> SocialReport:
    if db.session.scalar(select(SocialReport).where(SocialReport.insats_id == insats.id, SocialReport.year == year)):
        raise RuleViolation("report_exists", f"{insats.name} har redan ett socialt bokslut för {year}.")
    report = SocialReport(insats_id=insats.id, year=year)
    db.session.add(report)
    db.session.flush()
    for position, (title, points) in enumerate(DEFAULT_GOAL_AREAS):
        report.areas.append(GoalArea(report_id=report.id, position=position, title=title, index_points=points))
    db.session.flush()
    return report


def set_area(area: GoalArea, *, index_points: int | None = None, assessed_step: int | None = None) -> None:
    if index_points is not None:
        if index_points <= 0:
            raise InvalidInput("Indexpoängen ska vara fler än 0.", {"index_points": "inte positivt"})
        area.index_points = index_points
    if assessed_step is not None and assessed_step not in FULFILMENT_SCALE:
        raise InvalidInput("Bedömningen görs på skalan 1–5.", {"assessed_step": "1–5"})
    area.assessed_step = assessed_step
    db.session.flush()


def add_question(area: GoalArea, *, code: str, text: str, respondents: str, asked: int, answered: int,
                 top_three: int) -> SurveyQuestion:
    if not code.strip():
        raise InvalidInput("Ange frågans nummer, t.ex. 1.4.", {"code": "saknas"})
    if not respondents.strip():
        raise InvalidInput("Ange vilka som svarat (deltagare, medarbetare, chefer …).", {"respondents": "saknas"})
    for name, value in (("asked", asked), ("answered", answered), ("top_three", top_three)):
        if value < 0:
            raise InvalidInput("Antalen kan inte vara negativa.", {name: "negativt"})
    if answered > asked:
        raise InvalidInput(f"Fler svar ({answered}) än tillfrågade ({asked}).", {"answered": "fler än tillfrågade"})
    if top_three > answered:
        raise InvalidInput(f"Fler svar i de tre översta stegen ({top_three}) än svar ({answered}).",
                           {"top_three": "fler än svar"})
    question = SurveyQuestion(area_id=area.id, code=code.strip(), text=text.strip(), respondents=respondents.strip(),
                              asked=asked, answered=answered, top_three=top_three)
    area.questions.append(question)
    db.session.flush()
    return question


def add_recommendation(*, year: int, text: str, addressed_to: str = "") -> Recommendation:
    if not text.strip():
        raise InvalidInput("Skriv rekommendationen.", {"text": "saknas"})
    number = (db.session.scalar(select(func.max(Recommendation.number)).where(Recommendation.year == year)) or 0) + 1
    row = Recommendation(year=year, number=number, text=text.strip(), addressed_to=addressed_to.strip())
    db.session.add(row)
    db.session.flush()
    return row


def follow_up_due(recommendation: Recommendation) -> date:
    """The board follows the year's recommendations up in February the year after."""
    return date(recommendation.year + 1, 2, 28)


def follow_up(recommendation: Recommendation, *, text: str, on: date) -> None:
    if not text.strip():
        raise InvalidInput("Skriv styrelsens uppföljning.", {"follow_up": "saknas"})
    recommendation.follow_up, recommendation.followed_up_on = text.strip(), on
    db.session.flush()
