"""A förbund publishes chosen aggregates of a year into the shared store, by an
explicit act of its kansli, after seeing exactly what will be published.

`draft(year)` reads the förbund's own data (run inside its tenant) and returns the
figures after suppression; `publish` writes them; `withdraw` takes them back. Counts
come from the insatser's yearly outcomes, money from grants and spend, goal
fulfilment from the insatser's goals, and the socialt bokslut's weighted result.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app
from sqlalchemy import select

from finsam_saas.analysis import helars
from finsam_saas.analysis.models import Figure, Publication
from finsam_saas.analysis.numbers import mean
from finsam_saas.analysis.suppression import DEFAULT_THRESHOLD, Group, suppress
from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser, social
from finsam_saas.insatser.models import Grant, Insats, Outcome, SocialReport, Spend
from finsam_saas.platform.models import Tenant, utcnow
from finsam_saas.platform.rounding import ratio, share
from finsam_saas.platform.rules import InvalidInput, RuleViolation

KINDS = ("individ", "struktur", "ovrig")
ALL = "alla"
DIMENSIONS = (*KINDS, ALL)
DIMENSION_LABELS = {"individ": "Individinsatser", "struktur": "Strukturinsatser", "ovrig": "Övriga insatser",
                    ALL: "Alla insatser"}
# measure -> (label, unit)
MEASURES = {
    "deltagare": ("Deltagare", "antal"),
    "avslutade": ("Avslutade", "antal"),
    "kvar": ("Kvar vid periodens slut", "antal"),
    "arbete": ("Till arbete", "antal"),
    "studier": ("Till studier", "antal"),
    "annan_losning": ("Till annan lösning", "antal"),
    "ovriga_avbrott": ("Övriga avbrott", "antal"),
    "andel_arbete": ("Andel till arbete", "procent"),
    "andel_arbete_studier": ("Andel till arbete eller studier", "procent"),
    "andel_positiv": ("Andel till en positiv lösning", "procent"),
    "beviljat": ("Beviljade medel", "kr"),
    "forbrukat": ("Förbrukade medel", "kr"),
    "forbrukningsgrad": ("Förbrukningsgrad", "procent"),
    "kostnad_per_deltagare": ("Kostnad per deltagare", "kr"),
    "mal_uppfyllda": ("Uppfyllda mål för insatserna", "procent"),
    "socialt_bokslut": ("Socialt bokslut, viktad måluppfyllelse", "procent"),
    "helarsekv_andel": ("Helårsekvivalenter, andel av befolkningen 20–64 år", "procent"),
}
COUNTS = ("deltagare", "avslutade", "kvar", "arbete", "studier", "annan_losning", "ovriga_avbrott")
ENDED_PARTS = ("arbete", "studier", "annan_losning", "ovriga_avbrott")


def threshold() -> int:
    return int(current_app.config.get("SUPPRESSION_THRESHOLD", DEFAULT_THRESHOLD))


def _key(measure: str, dimension: str) -> str:
    return f"{measure}|{dimension}"


def count_groups() -> list[Group]:
    groups = []
    for dim in DIMENSIONS:
        groups.append(Group(_key("avslutade", dim), tuple(_key(m, dim) for m in ENDED_PARTS)))
        groups.append(Group(_key("deltagare", dim), (_key("avslutade", dim), _key("kvar", dim))))
    for measure in COUNTS:
        groups.append(Group(_key(measure, ALL), tuple(_key(measure, k) for k in KINDS)))
    return groups


def _outcome_counts(year: int) -> dict[str, int]:
    cells = {_key(m, d): 0 for m in COUNTS for d in DIMENSIONS}
    rows = db.session.execute(
        select(Insats.kind, Outcome).join(Insats, (Insats.tenant_id == Outcome.tenant_id) & (Insats.id == Outcome.insats_id))
        .where(Outcome.period == str(year))
    ).all()
    for kind, outcome in rows:
        values = {"deltagare": outcome.participants, "avslutade": outcome.ended,
                  "kvar": outcome.participants - outcome.ended, "arbete": outcome.to_work,
                  "studier": outcome.to_studies, "annan_losning": outcome.to_other_solution,
                  "ovriga_avbrott": outcome.other_dropouts}
        for measure, value in values.items():
            cells[_key(measure, kind)] += value
            cells[_key(measure, ALL)] += value
    return cells


def _money(year: int) -> tuple[dict[str, int], dict[str, int]]:
    grants = {d: 0 for d in DIMENSIONS}
    for kind, amount in db.session.execute(
        select(Insats.kind, Grant.amount).join(Insats, (Insats.tenant_id == Grant.tenant_id) & (Insats.id == Grant.insats_id))
        .where(Grant.year == year)
    ):
        grants[kind] += amount
        grants[ALL] += amount
    latest: dict[int, tuple[str, Spend]] = {}
    for kind, spend in db.session.execute(
        select(Insats.kind, Spend).join(Insats, (Insats.tenant_id == Spend.tenant_id) & (Insats.id == Spend.insats_id))
        .where(Spend.year == year).order_by(Spend.through)
    ):
        latest[spend.insats_id] = (kind, spend)
    spent = {d: 0 for d in DIMENSIONS}
    for kind, spend in latest.values():
        spent[kind] += spend.amount
        spent[ALL] += spend.amount
    return grants, spent


def _goal_fulfilment(year: int) -> float | None:
    met = judged = 0
    all_insatser = list(db.session.scalars(select(Insats)))
    ids = [i.id for i in all_insatser]
    outcomes, goals = insatser.outcomes_for(ids, [str(year)]), insatser.goals_for(ids)
    for insats in all_insatser:
        summary = outcomes.get(insats.id, {}).get(str(year))
        if summary is None:
            continue
        for result in insatser.check_goals(insats, str(year), summary, goals.get(insats.id, [])):
            if result.met is not None:
                judged += 1
                met += bool(result.met)
    return share(met, judged)


def _social(year: int) -> float | None:
    results = [social.report_results(r)[1] for r in db.session.scalars(select(SocialReport).where(SocialReport.year == year))]
    results = [r for r in results if r is not None]
    return mean(results, 1)


@dataclass
class Draft:
    year: int
    threshold: int
    figures: dict[tuple[str, str], float] = field(default_factory=dict)
    held_back: list[tuple[str, str]] = field(default_factory=list)

    def rows(self) -> list[tuple[str, str, str, str, float | None]]:
        """(measure, label, dimension, dimension label, value or None when held back), in MEASURES order."""
        held = set(self.held_back)
        out = []
        for measure, (label, _unit) in MEASURES.items():
            for dim in DIMENSIONS:
                if (measure, dim) in self.figures or (measure, dim) in held:
                    out.append((measure, label, dim, DIMENSION_LABELS[dim], self.figures.get((measure, dim))))
        return out


def _share(part: int | None, whole: int | None) -> float | None:
    """part of whole in percent, one decimal, half up; None when either is held back or whole is 0."""
    if part is None or not whole:
        return None
    return share(part, whole)


def draft(year: int, tenant: Tenant) -> Draft:
    """What publishing this year would put in the shared store, with what is held back (call in the tenant)."""
    if not 2000 <= year <= 2100:
        raise InvalidInput(f"Året {year} är inte rimligt.", {"year": "utanför 2000–2100"})
    result = Draft(year, threshold())
    cells = _outcome_counts(year)
    shown = suppress(cells, count_groups(), result.threshold)
    any_outcome = any(cells.values())
    for key, value in shown.items():
        measure, dim = key.split("|")
        if not any_outcome or (cells[key] == 0 and dim != ALL and not cells[_key("deltagare", dim)]):
            continue  # no outcomes for that kind of insats: nothing to say, not zero
        if value is None:
            result.held_back.append((measure, dim))
        else:
            result.figures[(measure, dim)] = value
    for dim in DIMENSIONS:
        ended = shown[_key("avslutade", dim)]
        parts = {m: shown[_key(m, dim)] for m in ENDED_PARTS}
        for measure, numerator in (("andel_arbete", parts["arbete"]),
                                   ("andel_arbete_studier", None if None in (parts["arbete"], parts["studier"])
                                    else parts["arbete"] + parts["studier"]),
                                   ("andel_positiv", None if None in (parts["arbete"], parts["studier"], parts["annan_losning"])
                                    else parts["arbete"] + parts["studier"] + parts["annan_losning"])):
            value = _share(numerator, ended)
            if value is not None:
                result.figures[(measure, dim)] = value
    grants, spent = _money(year)
    for dim in DIMENSIONS:
        if grants[dim]:
            result.figures[("beviljat", dim)] = grants[dim]
            result.figures[("forbrukat", dim)] = spent[dim]
            result.figures[("forbrukningsgrad", dim)] = share(spent[dim], grants[dim])
        participants = shown.get(_key("deltagare", dim))
        if participants and spent[dim]:
            result.figures[("kostnad_per_deltagare", dim)] = ratio(spent[dim], participants)
    for measure, value in (("mal_uppfyllda", _goal_fulfilment(year)), ("socialt_bokslut", _social(year)),
                           ("helarsekv_andel", helars.forbund_share_of_year(tenant, year))):
        if value is not None:
            result.figures[(measure, ALL)] = value
    return result


def publish(tenant: Tenant, year: int, *, by: str) -> Publication:
    """Publish the year's figures; an earlier publication of the same year is replaced (withdrawn)."""
    result = draft(year, tenant)
    if not result.figures:
        raise RuleViolation("nothing_to_publish", f"Det finns inga siffror att publicera för {year}.")
    for earlier in active_publications(tenant.id, str(year)):
        withdraw(earlier, by=by)
    publication = Publication(tenant_id=tenant.id, period=str(year), published_by=by, published_at=utcnow())
    publication.figures = [Figure(measure=m, dimension=d, value=v) for (m, d), v in result.figures.items()]
    db.session.add(publication)
    db.session.flush()
    return publication


def withdraw(publication: Publication, *, by: str) -> None:
    if publication.withdrawn_at is not None:
        raise RuleViolation("withdrawn", "Publiceringen är redan återkallad.")
    publication.withdrawn_at, publication.withdrawn_by = utcnow(), by
    db.session.flush()


def active_publications(tenant_id: int, period: str | None = None) -> list[Publication]:
    query = select(Publication).where(Publication.tenant_id == tenant_id, Publication.withdrawn_at.is_(None))
    if period:
        query = query.where(Publication.period == period)
    return list(db.session.scalars(query.order_by(Publication.period.desc())))


def publications_of(tenant_id: int) -> list[Publication]:
    return list(db.session.scalars(select(Publication).where(Publication.tenant_id == tenant_id)
                                   .order_by(Publication.published_at.desc())))
