"""The internkontrollplan (seed 004): controls rated consequence × probability on five-step
scales, and each control's follow-up per year."""
from __future__ import annotations

from sqlalchemy import select

from finsam_saas.economy.models import CONSEQUENCES, PROBABILITIES, Control, ControlFollowUp
from finsam_saas.extensions import db
from finsam_saas.platform.rules import InvalidInput

RESULTS = {"utan_anmarkning": "Utan anmärkning", "med_anmarkning": "Med anmärkning"}


def risk_level(value: int) -> str:
    """The matrix's bands: 1–4 låg, 5–9 måttlig, 10–16 hög, 17–25 mycket hög."""
    return "låg" if value <= 4 else "måttlig" if value <= 9 else "hög" if value <= 16 else "mycket hög"


def add_control(*, process: str, control: str, owner: str, consequence: int, probability: int, method: str = "",
                frequency: str = "", report_to: str = "") -> Control:
    for name, value in (("process", process), ("control", control), ("owner", owner)):
        if not value.strip():
            raise InvalidInput("Ange process, kontrollmoment och kontrollansvarig.", {name: "saknas"})
    for name, value, scale in (("consequence", consequence, CONSEQUENCES), ("probability", probability, PROBABILITIES)):
        if value not in range(1, len(scale) + 1):
            raise InvalidInput(f"Välj ett steg 1–5 för {'konsekvens' if name == 'consequence' else 'sannolikhet'}.",
                               {name: "1–5"})
    row = Control(process=process.strip(), control=control.strip(), owner=owner.strip(), method=method.strip(),
                  frequency=frequency.strip(), report_to=report_to.strip(), consequence=consequence,
                  probability=probability)
    db.session.add(row)
    db.session.flush()
    return row


def follow_up(control: Control, *, year: int, result: str, note: str = "") -> ControlFollowUp:
    if result not in RESULTS:
        raise InvalidInput("Välj utan eller med anmärkning.", {"result": "okänt"})
    if result == "med_anmarkning" and not note.strip():
        raise InvalidInput("Beskriv anmärkningen.", {"note": "saknas"})
    row = db.session.scalar(select(ControlFollowUp).where(ControlFollowUp.control_id == control.id,
                                                          ControlFollowUp.year == year))
    if row is None:
        row = ControlFollowUp(control_id=control.id, year=year, result=result, note=note.strip())
        db.session.add(row)
    else:
        row.result, row.note = result, note.strip()
    db.session.flush()
    return row


def plan(year: int) -> list[tuple[Control, ControlFollowUp | None]]:
    controls = db.session.scalars(select(Control).order_by(Control.process, Control.id)).all()
    done = {f.control_id: f for f in db.session.scalars(select(ControlFollowUp).where(ControlFollowUp.year == year))}
    return [(c, done.get(c.id)) for c in sorted(controls, key=lambda c: -c.risk)]
