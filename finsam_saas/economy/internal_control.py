"""The internkontrollplan (seed 004): each year's plan of controls, each control rated
consequence × probability on five-step scales, its follow-up that year, and the risk matrix.

A plan per year. A new year's plan may start from an earlier year's: its controls are copied, so
a change in 2027 never changes 2026. What a förbund's revisor reads must be what the board saw:
- an *utkast* may be changed freely (controls added, edited, removed);
- once the board has *fastställt* the plan (seed 004: "Fastställdes av styrelsen 2023-03-17") its
  controls stand as adopted; the year's follow-up is still recorded against them;
- once the year's follow-up is *rapporterad* to the board, the follow-up stands too.
A change after that is a new decision of the board, recorded in next year's plan.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from finsam_saas.economy.models import CONSEQUENCES, PROBABILITIES, Control, ControlFollowUp, ControlPlan
from finsam_saas.extensions import db
from finsam_saas.platform import clock
from finsam_saas.platform.years import FIRST_YEAR, LAST_YEAR
from finsam_saas.platform.formatting import sv_date
from finsam_saas.platform.rules import InvalidInput, RuleViolation

RESULTS = {"utan_anmarkning": "Utan anmärkning", "med_anmarkning": "Med anmärkning"}

# The fields of a control: (name, label in a sentence, longest length, required). Lengths are the
# columns' own, checked here so that a long text gets a Swedish answer instead of a database error.
TEXT_FIELDS = (
    ("process", "process/område", 200, True),
    ("control", "kontrollmoment", 300, True),
    ("owner", "kontrollansvarig", 200, True),
    ("method", "metod", 300, False),
    ("frequency", "frekvens", 100, False),
    ("report_to", "rapport till styrelsen", 200, False),
)
SCALE_FIELDS = (("consequence", "konsekvens", CONSEQUENCES), ("probability", "sannolikhet", PROBABILITIES))
FIELD_LABELS = {name: label for name, label, *_ in TEXT_FIELDS} | {name: label for name, label, _ in SCALE_FIELDS}

# The bands of the matrix, lowest first: (highest risk value in the band, name, css class).
LEVELS = ((4, "låg", "low"), (9, "måttlig", "moderate"), (16, "hög", "high"), (25, "mycket hög", "very-high"))


def risk_level(value: int) -> str:
    """The matrix's bands: 1–4 låg, 5–9 måttlig, 10–16 hög, 17–25 mycket hög."""
    return next(name for top, name, _ in LEVELS if value <= top)


def risk_class(value: int) -> str:
    """The css class of a band (risk-low … risk-very-high), the colour of the matrix cell."""
    return "risk-" + next(css for top, _, css in LEVELS if value <= top)


def level_ranges() -> list[tuple[str, str, str]]:
    """The legend of the colours: [(name, "1–4", css class)]."""
    ranges, low = [], 1
    for top, name, css in LEVELS:
        ranges.append((name, f"{low}–{top}", "risk-" + css))
        low = top + 1
    return ranges


# --- the plan of a year --------------------------------------------------------

def get_plan(year: int) -> ControlPlan | None:
    return db.session.scalar(select(ControlPlan).where(ControlPlan.year == year))


def _ensure_plan(year: int) -> ControlPlan:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(f"{year} är inget år för en internkontrollplan.", {"year": "inget år"})
    plan_row = get_plan(year)
    if plan_row is None:
        plan_row = ControlPlan(year=year, adopted_by="", reported_to="")
        db.session.add(plan_row)
        db.session.flush()
    return plan_row


def state(plan_row: ControlPlan | None) -> str:
    """"utkast", "faststalld" or "rapporterad" (the follow-up reported to the board)."""
    if plan_row is not None and plan_row.reported_on is not None:
        return "rapporterad"
    if plan_row is not None and plan_row.adopted_on is not None:
        return "faststalld"
    return "utkast"


def locked_reason(year: int) -> str:
    """Why the year's controls can no longer change ("" while the plan is an utkast)."""
    plan_row = get_plan(year)
    if state(plan_row) == "rapporterad":
        return (f"Uppföljningen av internkontrollplanen {year} är rapporterad till styrelsen "
                f"{sv_date(plan_row.reported_on)}: planen och uppföljningen står som de var.")
    if state(plan_row) == "faststalld":
        return (f"Internkontrollplanen {year} fastställdes {sv_date(plan_row.adopted_on)} och kontrollerna ändras inte "
                "längre. En ändring beslutas av styrelsen och förs in i nästa års plan.")
    return ""


def _refuse_change(year: int) -> None:
    """RuleViolation 409 `plan_faststalld` unless the year's plan is still an utkast."""
    reason = locked_reason(year)
    if reason:
        raise RuleViolation("plan_faststalld", reason)


def plan_years() -> list[int]:
    """The years that have a plan (with or without controls), oldest first."""
    return sorted(set(db.session.scalars(select(ControlPlan.year))) | set(db.session.scalars(select(Control.year))))


def controls_of(year: int) -> list[Control]:
    """The year's controls in their numbered order."""
    return list(db.session.scalars(select(Control).where(Control.year == year).order_by(Control.number)))


def plan(year: int) -> list[tuple[Control, ControlFollowUp | None]]:
    """The year's controls with their follow-up that year, highest risk first (then by number)."""
    done = {f.control_id: f for f in db.session.scalars(select(ControlFollowUp).where(ControlFollowUp.year == year))}
    controls = sorted(controls_of(year), key=lambda c: (-c.risk, c.number))
    return [(c, done.get(c.id)) for c in controls]


# --- controls ------------------------------------------------------------------

def _clean(fields: dict) -> dict:
    """The control's fields checked all at once: InvalidInput naming every field that is wrong
    (missing, too long, a step outside 1–5), so nothing is written until all of them are right."""
    errors, messages, missing, values = {}, [], [], {}
    for name, label, longest, required in TEXT_FIELDS:
        value = (fields.get(name) or "").strip()
        if required and not value:
            errors[name] = "saknas"
            missing.append(label)
        elif len(value) > longest:
            errors[name] = f"högst {longest} tecken"
            messages.append(f"{label[:1].upper() + label[1:]} får vara högst {longest} tecken (nu {len(value)}).")
        values[name] = value
    for name, label, scale in SCALE_FIELDS:
        value = fields.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value not in range(1, len(scale) + 1):
            errors[name] = "1–5"
            messages.append(f"Välj ett steg 1–5 för {label}.")
        values[name] = value
    if missing:
        named = missing[0] if len(missing) == 1 else ", ".join(missing[:-1]) + " och " + missing[-1]
        messages.insert(0, f"Ange {named}.")
    if errors:
        raise InvalidInput(" ".join(messages), errors)
    return values


def add_control(*, year: int | None = None, process: str, control: str, owner: str, consequence: int,
                probability: int, method: str = "", frequency: str = "", report_to: str = "") -> Control:
    """A new control, last in the year's plan (this year's without a year).

    Raises InvalidInput naming the fields that are wrong; RuleViolation `plan_faststalld` when the
    year's plan is adopted."""
    year = year or clock.today().year
    values = _clean(dict(process=process, control=control, owner=owner, method=method, frequency=frequency,
                         report_to=report_to, consequence=consequence, probability=probability))
    _refuse_change(year)
    _ensure_plan(year)
    number = (db.session.scalar(select(func.max(Control.number)).where(Control.year == year)) or 0) + 1
    row = Control(year=year, number=number, **values)
    db.session.add(row)
    db.session.flush()
    return row


def update_control(row: Control, fields: dict) -> Control:
    """Every field of the control (`fields`: process, control, owner, method, frequency, report_to,
    consequence, probability) changed at once, or none: InvalidInput names each wrong field;
    RuleViolation `plan_faststalld` when its year's plan is adopted."""
    values = _clean(fields)
    _refuse_change(row.year)
    for name, value in values.items():
        setattr(row, name, value)
    db.session.flush()
    return row


def removal_consequences(control: Control) -> list[str]:
    """What removing the control does, in the words of the confirmation page."""
    lines = [f"Kontrollen tas bort ur internkontrollplanen {control.year} och ur riskmatrisen."]
    if db.session.scalar(select(ControlFollowUp).where(ControlFollowUp.control_id == control.id)) is not None:
        lines.append(f"Uppföljningen {control.year} av kontrollen tas bort med den.")
    lines.append("Övriga kontroller behåller sina nummer. Andra års planer ändras inte.")
    lines.append("Borttagningen syns i ändringsloggen.")
    return lines


def remove_control(control: Control) -> None:
    """The control and its follow-up gone; RuleViolation `plan_faststalld` when the plan is adopted."""
    _refuse_change(control.year)
    for row in db.session.scalars(select(ControlFollowUp).where(ControlFollowUp.control_id == control.id)):
        db.session.delete(row)
    db.session.flush()  # the follow-ups first: no relationship tells the ORM their order
    db.session.delete(control)
    db.session.flush()


def start_from(year: int, source_year: int) -> list[Control]:
    """The plan of `year` started from the controls of `source_year`, copied (same numbers, no
    follow-ups): later changes to either plan never reach the other.

    Raises RuleViolation `plan_finns` when `year` already has controls, InvalidInput when the
    source year has none."""
    if controls_of(year):
        raise RuleViolation("plan_finns", f"Internkontrollplanen {year} har redan kontroller. Ändra dem där, eller "
                            "ta bort dem först om planen ska börja om från ett annat år.")
    _refuse_change(year)
    sources = controls_of(source_year)
    if not sources:
        raise InvalidInput(f"Internkontrollplanen {source_year} har inga kontroller att utgå från.",
                           {"from_year": "inga kontroller"})
    plan_row = _ensure_plan(year)
    plan_row.copied_from_year = source_year
    copies = []
    for source in sources:
        copy = Control(year=year, number=source.number,
                       **{name: getattr(source, name) for name in (*(f[0] for f in TEXT_FIELDS), "consequence", "probability")})
        db.session.add(copy)
        copies.append(copy)
    db.session.flush()
    return copies


def previous_plan_year(year: int) -> int | None:
    """The latest earlier year with controls: the plan a new year is offered to start from."""
    return db.session.scalar(select(func.max(Control.year)).where(Control.year < year))


# --- adoption and follow-up -----------------------------------------------------

def adopt(year: int, *, on: date | None, by: str) -> ControlPlan:
    """The board has fastställt the year's plan on `on` (`by`: the decision, e.g. "Styrelsen § 12").

    Raises InvalidInput without a date or controls; RuleViolation `plan_faststalld` when already adopted."""
    if on is None:
        raise InvalidInput("Ange datum då styrelsen fastställde planen.", {"adopted_on": "saknas"})
    by = (by or "").strip()
    if len(by) > 200:
        raise InvalidInput(f"Beslutet får beskrivas med högst 200 tecken (nu {len(by)}).", {"adopted_by": "högst 200 tecken"})
    if on > clock.today():
        # The page records a decision already taken, not one planned.
        raise InvalidInput(f"Datumet {sv_date(on)} har inte varit än: ange dagen då styrelsen fastställde planen.",
                           {"adopted_on": "i framtiden"})
    _refuse_change(year)
    if not controls_of(year):
        raise InvalidInput(f"Internkontrollplanen {year} har inga kontroller att fastställa.", {"adopted_on": "inga kontroller"})
    plan_row = _ensure_plan(year)
    plan_row.adopted_on, plan_row.adopted_by = on, by
    db.session.flush()
    return plan_row


def missing_follow_ups(year: int) -> list[Control]:
    return [c for c, f in plan(year) if f is None]


def report_follow_up(year: int, *, on: date | None, to: str) -> ControlPlan:
    """The year's follow-up reported to the board on `on` (`to`: where, e.g. "Styrelsen vid årsredovisningen").

    Every control needs its result first: a control not carried out is recorded "med anmärkning",
    so the report a revisor reads covers the whole plan. Raises InvalidInput (no date, controls
    without a result) or RuleViolation `plan_faststalld` (already reported)."""
    if on is None:
        raise InvalidInput("Ange datum då uppföljningen rapporterades till styrelsen.", {"reported_on": "saknas"})
    to = (to or "").strip()
    if len(to) > 200:
        raise InvalidInput(f"Var uppföljningen rapporterades får beskrivas med högst 200 tecken (nu {len(to)}).",
                           {"reported_to": "högst 200 tecken"})
    if on > clock.today():
        raise InvalidInput(f"Datumet {sv_date(on)} har inte varit än: ange dagen då uppföljningen rapporterades.",
                           {"reported_on": "i framtiden"})
    plan_row = get_plan(year)
    if plan_row is not None and plan_row.adopted_on is not None and on < plan_row.adopted_on:
        raise InvalidInput(f"Uppföljningen kan inte ha rapporterats {sv_date(on)}, före fastställandet "
                           f"{sv_date(plan_row.adopted_on)}.", {"reported_on": "före fastställandet"})
    if state(plan_row) == "rapporterad":
        raise RuleViolation("plan_faststalld", f"Uppföljningen av internkontrollplanen {year} är redan rapporterad "
                            f"{sv_date(plan_row.reported_on)}.")
    if not controls_of(year):
        raise InvalidInput(f"Internkontrollplanen {year} har inga kontroller att rapportera.", {"reported_on": "inga kontroller"})
    missing = missing_follow_ups(year)
    if missing:
        numbers = ", ".join(str(c.number) for c in sorted(missing, key=lambda c: c.number))
        raise InvalidInput(f"{'Kontroll' if len(missing) == 1 else 'Kontrollerna'} {numbers} saknar uppföljning "
                           f"{year}. En kontroll som inte blev gjord följs upp med anmärkning.",
                           {"reported_on": "uppföljning saknas"})
    plan_row = _ensure_plan(year)
    plan_row.reported_on, plan_row.reported_to = on, to
    db.session.flush()
    return plan_row


def follow_up(control: Control, *, result: str, note: str = "", year: int | None = None) -> ControlFollowUp:
    """The control's follow-up in its plan's year, new or changed.

    Raises InvalidInput (unknown result, a remark without text, another year than the plan's) or
    RuleViolation `plan_faststalld` once the year's follow-up is reported."""
    if year is not None and year != control.year:
        raise InvalidInput(f"Kontrollen hör till internkontrollplanen {control.year}, inte {year}.", {"year": "fel år"})
    if result not in RESULTS:
        raise InvalidInput("Välj utan eller med anmärkning.", {"result": "okänt"})
    note = note.strip()
    if result == "med_anmarkning" and not note:
        raise InvalidInput("Beskriv anmärkningen.", {"note": "saknas"})
    if len(note) > 1000:
        raise InvalidInput(f"Anmärkningen får vara högst 1 000 tecken (nu {len(note)}).", {"note": "högst 1000 tecken"})
    plan_row = get_plan(control.year)
    if state(plan_row) == "rapporterad":
        raise RuleViolation("plan_faststalld", f"Uppföljningen av internkontrollplanen {control.year} är rapporterad "
                            f"till styrelsen {sv_date(plan_row.reported_on)} och ändras inte.")
    row = db.session.scalar(select(ControlFollowUp).where(ControlFollowUp.control_id == control.id,
                                                          ControlFollowUp.year == control.year))
    if row is None:
        row = ControlFollowUp(control_id=control.id, year=control.year, result=result, note=note)
        db.session.add(row)
    else:
        row.result, row.note = result, note
    db.session.flush()
    return row


# --- the risk matrix -------------------------------------------------------------

@dataclass
class Cell:
    consequence: int
    probability: int
    controls: list[Control]

    @property
    def risk(self) -> int:
        return self.consequence * self.probability

    @property
    def level(self) -> str:
        return risk_level(self.risk)

    @property
    def css(self) -> str:
        return risk_class(self.risk)


def matrix(controls: list[Control]) -> list[tuple[int, list[Cell]]]:
    """The 5×5 matrix as the seed draws it: consequence across (1 → 5), probability up, so the
    rows run from probability 5 at the top to 1 at the bottom: [(probability, [Cell × 5])]."""
    rows = []
    for probability in range(len(PROBABILITIES), 0, -1):
        cells = [Cell(consequence, probability,
                      sorted((c for c in controls if c.consequence == consequence and c.probability == probability),
                             key=lambda c: c.number))
                 for consequence in range(1, len(CONSEQUENCES) + 1)]
        rows.append((probability, cells))
    return rows


def pdf_context(year: int) -> dict:
    """What the plan's PDF shows: the plan, its state, its controls in number order, the matrix."""
    controls = controls_of(year)
    done = {f.control_id: f for f in db.session.scalars(select(ControlFollowUp).where(ControlFollowUp.year == year))}
    plan_row = get_plan(year)
    return dict(year=year, plan=plan_row, state=state(plan_row), controls=controls, follow_ups=done,
                matrix=matrix(controls), consequences=CONSEQUENCES, probabilities=PROBABILITIES, results=RESULTS,
                level=risk_level, levels=level_ranges(), printed=clock.today())
