"""Comparisons over what förbund have published: a förbund beside every förbund that
published the same measure, the average of them all, and trends over the years.
A förbund that published nothing for a measure is absent, never zero."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from finsam_saas.analysis.models import Figure, Publication
from finsam_saas.analysis.numbers import mean
from finsam_saas.analysis.publishing import ALL, DIMENSION_LABELS, MEASURES
from finsam_saas.extensions import db
from finsam_saas.platform.models import Tenant
from finsam_saas.platform.rules import InvalidInput


@dataclass(frozen=True)
class Entry:
    tenant_id: int
    name: str
    value: float


@dataclass(frozen=True)
class Comparison:
    measure: str
    dimension: str
    period: str
    entries: list[Entry]

    @property
    def label(self) -> str:
        return MEASURES[self.measure][0]

    @property
    def unit(self) -> str:
        return MEASURES[self.measure][1]

    @property
    def dimension_label(self) -> str:
        return DIMENSION_LABELS.get(self.dimension, self.dimension)

    @property
    def average(self) -> float | None:
        """The mean of the published values, one decimal, half up (6,2 and 6,3 → 6,3); None when none published."""
        return mean((e.value for e in self.entries), 1)

    def own(self, tenant_id: int) -> Entry | None:
        return next((e for e in self.entries if e.tenant_id == tenant_id), None)


def _published(measure: str, dimension: str):
    return (select(Publication.tenant_id, Tenant.short_name, Publication.period, Figure.value)
            .join(Figure, Figure.publication_id == Publication.id)
            .join(Tenant, Tenant.id == Publication.tenant_id)
            .where(Publication.withdrawn_at.is_(None), Figure.measure == measure, Figure.dimension == dimension))


def check_measure(measure: str, dimension: str) -> None:
    if measure not in MEASURES:
        raise InvalidInput(f"Okänt mått \"{measure}\".", {"measure": "okänt"})
    if dimension not in DIMENSION_LABELS:
        raise InvalidInput(f"Okänd indelning \"{dimension}\".", {"dimension": "okänd"})


def _comparison(measure: str, dimension: str, period: str, rows) -> Comparison:
    """Every förbund that published this measure for the period, highest first."""
    entries = sorted((Entry(t, name, value) for t, name, p, value in rows if p == period),
                     key=lambda e: (-e.value, e.name))
    return Comparison(measure, dimension, period, entries)


@dataclass(frozen=True)
class Trend:
    measure: str
    dimension: str
    periods: list[str]
    series: dict[str, dict[str, float]]   # förbund -> period -> value
    averages: dict[str, float]
    rows: list[tuple[int, str, str, float]]  # (tenant id, förbund, period, value) as published

    @property
    def label(self) -> str:
        return MEASURES[self.measure][0]

    def comparison(self, period: str) -> Comparison:
        """One year of the trend: every förbund that published it, highest first."""
        return _comparison(self.measure, self.dimension, period, self.rows)


def trend(measure: str, dimension: str = ALL) -> Trend:
    """All years at once, in one query: the comparison page stays one query however much is published."""
    check_measure(measure, dimension)
    rows = db.session.execute(_published(measure, dimension)).all()
    series: dict[str, dict[str, float]] = {}
    for _tenant, name, period, value in rows:
        series.setdefault(name, {})[period] = value
    periods = sorted({p for values in series.values() for p in values})
    averages = {}
    for period in periods:
        averages[period] = mean((v[period] for v in series.values() if period in v), 1)
    return Trend(measure, dimension, periods, dict(sorted(series.items())), averages, rows)


def published_periods() -> list[str]:
    return list(db.session.scalars(select(Publication.period).where(Publication.withdrawn_at.is_(None))
                                   .distinct().order_by(Publication.period.desc())))


def profile(tenant_id: int, period: str) -> list[tuple[Comparison, Entry | None]]:
    """For the medlemssamråd: every measure of the period, the förbund beside the others."""
    rows = db.session.execute(
        select(Figure.measure, Figure.dimension, Publication.tenant_id, Tenant.short_name, Figure.value)
        .join(Publication, Publication.id == Figure.publication_id).join(Tenant, Tenant.id == Publication.tenant_id)
        .where(Publication.withdrawn_at.is_(None), Publication.period == period)
    ).all()
    grouped: dict[tuple[str, str], list[Entry]] = {}
    for measure, dimension, tenant, name, value in rows:
        grouped.setdefault((measure, dimension), []).append(Entry(tenant, name, value))
    order = {m: i for i, m in enumerate(MEASURES)}
    result = []
    for (measure, dimension), entries in sorted(grouped.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])):
        if measure not in MEASURES:
            continue
        comparison = Comparison(measure, dimension, period, sorted(entries, key=lambda e: (-e.value, e.name)))
        own = comparison.own(tenant_id)
        if own is not None:
            result.append((comparison, own))
    return result


PROJECT_MEASURES = ("socialt_bokslut", "andel_arbete_studier", "andel_positiv", "kostnad_per_deltagare",
                    "forbrukningsgrad", "helarsekv_andel")


def project_figures(tenant_ids: list[int]) -> dict[str, tuple[list[str], dict[str, dict[str, float]]]]:
    """The project's shared space: its partners' published figures, per measure: (periods, {förbund: {period: value}})."""
    if not tenant_ids:
        return {}
    rows = db.session.execute(
        select(Figure.measure, Tenant.short_name, Publication.period, Figure.value)
        .join(Publication, Publication.id == Figure.publication_id).join(Tenant, Tenant.id == Publication.tenant_id)
        .where(Publication.withdrawn_at.is_(None), Publication.tenant_id.in_(tenant_ids),
               Figure.dimension == ALL, Figure.measure.in_(PROJECT_MEASURES))
    ).all()
    found: dict[str, dict[str, dict[str, float]]] = {}
    for measure, name, period, value in rows:
        found.setdefault(measure, {}).setdefault(name, {})[period] = value
    return {m: (sorted({p for v in found[m].values() for p in v}), dict(sorted(found[m].items())))
            for m in PROJECT_MEASURES if m in found}
