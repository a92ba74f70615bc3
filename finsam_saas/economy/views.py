"""Pages of the economy module: member fees, budget with equity, decision room."""
from __future__ import annotations


from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from finsam_saas.platform import clock
from finsam_saas.platform.years import data_years, default_year, year_arg
from finsam_saas.economy import attest, permissions, services  # noqa: F401  (permissions registers the economy's actions)
from finsam_saas.economy.models import (
    ATTEST_FUNCTIONS, INVOICE_KINDS, SECTION_LABELS, SECTIONS, Attestant, Budget, FeeYear, Invoice, YearEnd,
)
from finsam_saas.extensions import db
from finsam_saas.insatser.models import Grant, Insats
from finsam_saas.meetings import services as meetings_services
from finsam_saas.meetings.models import AgendaItem, Meeting, Minutes, Paragraph
from finsam_saas.organisation.models import Body
from finsam_saas.platform import formdata as form
from finsam_saas.platform.auth import can, requires
from finsam_saas.platform.charts import bar_chart
from finsam_saas.platform.formatting import kronor
from finsam_saas.platform.forms import EmptyForm
from finsam_saas.platform.models import Membership, Tenant, User
from finsam_saas.platform.rules import DomainError, InvalidInput
from finsam_saas.platform.web import NavItem, confirm_page, get_or_404, register_navigation, tenant_blueprint

blueprint = tenant_blueprint("economy", __name__, "/ekonomi")

register_navigation("Ekonomi", [
    NavItem("Budget", "economy.budget", "economy.view"),
    NavItem("Attest", "economy.attests", "attest.view"),
    NavItem("Budget och utfall", "economy.outcome", "economy.view"),
    NavItem("Medlemsavgifter", "economy.fees", "economy.view"),
    NavItem("Beslutsutrymme", "economy.decision_room", "economy.view"),
    NavItem("Bokslut", "economy.year_ends", "economy.view"),
    NavItem("Internkontroll", "economy.internal_control", "economy.view"),
    NavItem("Delårsrapport och årsredovisning", "economy.financial_reports", "economy.view"),
])

EMPTY_ROWS = 5
MAX_ROWS = 500  # a budget has a few dozen lines; the form's row count is never trusted beyond this


def _decision_room_of(meeting) -> dict | None:
    # Read the settings from the meeting's own tenant: a job renders the kallelse without a request.
    return services.decision_room_for_meeting(meeting, db.session.get(Tenant, meeting.tenant_id).settings)


meetings_services.register_notice_appendix(meetings_services.GeneratedAppendix(
    slug="beslutsutrymme", title="Ekonomisk information: beslutsutrymme", template="economy/_decision_room_table.html",
    applies_to=services.has_decision_room, context_for=_decision_room_of))


def _year() -> int:
    """The budget's year: asked for, or next year's (being prepared), or the nearest with a budget."""
    return year_arg() or default_year(clock.today().year + 1, data_years(Budget.year))


@blueprint.route("/avgifter", methods=["GET", "POST"])
@requires("economy.view")
def fees():
    year = year_arg() or default_year(clock.today().year + 1, data_years(FeeYear.year))
    kommuner = services._kommuner()
    if request.method == "POST":
        if not can("economy.edit"):
            abort(403)
        form.require_csrf()
        try:
            populations = {k.name: form.int_field(f"pop-{k.id}", f"arbetsför befolkning i {k.name}") for k in kommuner}
            services.set_fees(year, form.int_field("total", "total medlemsavgift"), populations)
            db.session.commit()
        except DomainError as error:
            return form.back_with_error(error, "economy.fees", ar=year)
        flash(f"Medlemsavgifterna för {year} är sparade.", "success")
        return redirect(url_for("economy.fees", ar=year))
    found = services.fees_of(year)
    return render_template("economy/fees.html", year=year, kommuner=kommuner, found=found, form=EmptyForm(),
                           years=data_years(FeeYear.year))


@blueprint.route("/budget")
@requires("economy.view")
def budget():
    year = _year()
    budgets = services.current_budgets(year, year + 2)
    plan = services.budget_summaries(year, year + 2, g.tenant.settings, budgets)
    summary = plan[0]
    chart = None
    if any(plan):
        shown = [p for p in plan if p and p["equity_end"] is not None]
        if shown:
            chart = bar_chart("Eget kapital vid årets slut och taket", [str(p["year"]) for p in shown],
                              [("Eget kapital", [p["equity_end"] / 1000 for p in shown]),
                               ("Tak", [(p["equity_ceiling"] or 0) / 1000 for p in shown])])
    budget_row = budgets.get(year)
    decided_in = (db.session.get(Paragraph, budget_row.decided_paragraph_id)
                  if budget_row and budget_row.decided_paragraph_id else None)
    return render_template("economy/budget.html", year=year, years=data_years(Budget.year), summary=summary, plan=plan,
                           chart=chart,
                           plan_table=services.plan_table(plan), labels=SECTION_LABELS, form=EmptyForm(),
                           decision=_decision(budget_row) if summary and not summary["decided"] else None,
                           decided_in=decided_in)


def _decision(budget) -> dict:
    """Where the budget is to be decided: the board meetings to put it on, or its item and the §§
    of that meeting's protokoll (its own item's § chosen)."""
    item = db.session.get(AgendaItem, budget.agenda_item_id) if budget and budget.agenda_item_id else None
    if item is None:
        started = select(Minutes.meeting_id)
        meetings = db.session.scalars(
            select(Meeting).join(Body, (Body.tenant_id == Meeting.tenant_id) & (Body.id == Meeting.body_id))
            .where(Body.kind == "styrelse", Meeting.cancelled_on.is_(None), Meeting.id.not_in(started),
                   Meeting.date >= clock.today()).order_by(Meeting.date).options(joinedload(Meeting.body))).all()
        return {"item": None, "meetings": meetings, "paragraphs": []}
    minutes = item.meeting.minutes
    paragraphs = [(p.id, f"§ {p.number} {p.title}", p.item_number == item.number)
                  for p in minutes.paragraphs] if minutes is not None and not minutes.justerad else []
    return {"item": item, "meetings": [], "paragraphs": paragraphs}


def _budget_of(year: int):
    budget = services.current_budget(year)
    if budget is None:
        raise InvalidInput(f"Det finns ingen budget för {year}.", {"year": "saknas"})
    return budget


@blueprint.route("/budget/dagordning", methods=["POST"])
@requires("economy.edit")
def put_budget_on_agenda():
    year = _year()
    form.require_csrf()
    try:
        meeting = get_or_404(Meeting, form.int_field("meeting_id", "möte"))
        services.put_budget_on_agenda(_budget_of(year), meeting)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "economy.budget", ar=year)
    flash(f"Budgeten för {year} står på dagordningen för mötet {meeting.date}.", "success")
    return redirect(url_for("economy.budget", ar=year))


@blueprint.route("/budget/andra", methods=["GET", "POST"])
@requires("economy.edit")
def edit_budget():
    """The budget's lines as a form of their own page: the budget page stays a page to read."""
    year = _year()
    summary = services.budget_summary(year, g.tenant.settings)
    if request.method == "POST":
        form.require_csrf()
        submitted = [{"section": form.text(f"section-{index}"), "name": form.text(f"name-{index}"),
                      "amount": form.text(f"amount-{index}")}
                     for index in range(min(form.int_field("rows", "antal rader", required=False) or 0, MAX_ROWS))]
        try:
            unnamed = [index + 1 for index, line in enumerate(submitted) if not line["name"] and line["amount"]]
            if unnamed:
                raise InvalidInput(f"Rad {unnamed[0]} har ett belopp men inget namn. Skriv radens namn, eller töm "
                                   "beloppet för att ta bort raden.", {f"name-{unnamed[0] - 1}": "saknas"})
            lines = [{"section": line["section"], "name": line["name"],
                      "amount": form.int_field(f"amount-{index}", f"belopp för {line['name']}")}
                     for index, line in enumerate(submitted) if line["name"]]
            services.put_budget(year, lines, form.int_field("equity_start", "eget kapital vid årets början", required=False))
            db.session.commit()
        except DomainError as error:
            form.undo(error)
            return _budget_form(year, summary, submitted, form.text("equity_start"), 400)
        flash(f"Budgeten för {year} är sparad.", "success")
        return redirect(url_for("economy.budget", ar=year))
    # Only a stated equity fills the field: a chained one saved back would cut the chain.
    equity = str(summary["equity_start"]) if summary and summary["equity_start_stated"] else ""
    return _budget_form(year, summary, summary["lines"] if summary else [], equity)


def _budget_form(year: int, summary: dict | None, lines: list[dict], equity_start: str, status: int = 200):
    rows = [*lines, *({"section": "", "name": "", "amount": ""} for _ in range(EMPTY_ROWS))]
    return render_template("economy/budget_edit.html", year=year, summary=summary, rows=rows, equity_start=equity_start,
                           sections=SECTIONS, labels=SECTION_LABELS), status


@blueprint.route("/budget/insatser", methods=["POST"])
@requires("economy.edit")
def draw_insats_lines():
    year = _year()
    form.require_csrf()
    try:
        services.draw_insats_lines(year)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "economy.budget", ar=year)
    flash(f"Insatsernas anslag för {year} står nu i budgeten.", "success")
    return redirect(url_for("economy.budget", ar=year))


@blueprint.route("/budget/beslut", methods=["POST"])
@requires("economy.edit")
def decide_budget():
    year = _year()
    form.require_csrf()
    try:
        services.decide_budget(_budget_of(year), get_or_404(Paragraph, form.int_field("paragraph_id", "paragraf")))
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "economy.budget", ar=year)
    flash(f"Budgeten för {year} är beslutad och låst. Ändringar blir en ny version.", "success")
    return redirect(url_for("economy.budget", ar=year))


@blueprint.route("/beslutsutrymme")
@requires("economy.view")
def decision_room():
    shown = {"fran": request.args.get("fran", "").strip(), "till": request.args.get("till", "").strip()}
    years = []
    try:
        for key, label in (("fran", "Från år"), ("till", "Till år")):
            if shown[key] and not (shown[key].isascii() and shown[key].isdigit()):  # "¹" is a digit, no year
                raise InvalidInput(f"{label} ska vara ett årtal, t.ex. 2022, inte \"{shown[key]}\".", {key: "inte ett år"})
        first = int(shown["fran"]) if shown["fran"] else default_year(clock.today().year, data_years(Budget.year, FeeYear.year))
        last = int(shown["till"]) if shown["till"] else first + 2
        years = services.decision_room(first, last, g.tenant.settings)
    except DomainError as error:
        flash(error.message, "error")
        first = last = None
    return render_template("economy/decision_room.html", years=years, first=first, last=last, shown=shown)


# --- bokslut ---------------------------------------------------------------------------

@blueprint.route("/bokslut")
@requires("economy.view")
def year_ends():
    """Each year with money in it: open, or closed with its bokslut (when and by whom)."""
    closed = {row.year: row for row in db.session.scalars(select(YearEnd))}
    years = sorted(set(data_years(Budget.year, Grant.year)) | set(closed), reverse=True)
    return render_template("economy/year_ends.html", years=years, closed=closed, this_year=clock.today().year,
                           form=EmptyForm())


@blueprint.route("/bokslut/<int:year>", methods=["GET", "POST"])
@requires("economy.edit")
def close_year(year: int):
    back = url_for("economy.year_ends")
    rows, problems = services.year_end_preview(year)
    returned = sum(r.returned for r in rows)
    lines = [f"{r.name}: beviljat {kronor(r.granted)} kr, rekvirerat {kronor(r.requisitioned)} kr, "
             f"återförs {kronor(r.returned)} kr." for r in rows]
    lines += [f"Därefter tas inga rekvisitioner, utfall eller avvikelser för {year} emot.",
              f"Sammanlagt återförs {kronor(returned)} kr av {year} års medel."]
    if request.method == "GET" or request.form.get("confirm") != "1":
        return confirm_page(title=f"Gör bokslut för {year}?", lead=f"Bokslutet stänger {year}.", lines=lines,
                            action=url_for("economy.close_year", year=year), button=f"Gör bokslut för {year}",
                            back=back, blocked=" ".join(problems) or None)
    return form.act(f"Bokslut för {year} är gjort; {kronor(returned)} kr återförs.", "economy.year_ends",
                    lambda: services.close_year(year, current_user.name or current_user.email, confirmed=True))


@blueprint.route("/bokslut/<int:year>/oppna", methods=["GET", "POST"])
@requires("economy.edit")
def reopen_year(year: int):
    back = url_for("economy.year_ends")
    if request.method == "GET" or request.form.get("confirm") != "1":
        blocked = " ".join(services.reopen_problems(year)) or None
        return confirm_page(title=f"Öppna {year} igen?", lead=f"Bokslutet för {year} tas bort.",
                            lines=[f"Rekvisitioner, utfall och avvikelser för {year} tas emot igen.",
                                   "Inga medel räknas som återförda förrän ett nytt bokslut görs."],
                            action=url_for("economy.reopen_year", year=year), button=f"Öppna {year} igen", back=back,
                            blocked=blocked)
    return form.act(f"{year} är öppet igen.", "economy.year_ends", lambda: services.reopen_year(year, confirmed=True))


# --- attest ----------------------------------------------------------------------------

@blueprint.route("/attest", methods=["GET", "POST"])
@requires("attest.view")
def attests():
    if request.method == "POST":
        if not can("economy.edit"):
            abort(403)
        form.require_csrf()
        try:
            insats_id = form.int_field("insats_id", "insats", required=False)
            attest.register_invoice(
                kind=form.text("kind"), counterparty=form.text("counterparty"), description=form.text("description"),
                amount=form.int_field("amount", "belopp"), year=form.int_field("year", "år"),
                cost_of=form.text("cost_of") or None, insats=get_or_404(Insats, insats_id) if insats_id else None)
            db.session.commit()
        except DomainError as error:
            return form.back_with_error(error, "economy.attests")
        flash("Underlaget är registrerat och väntar på attest.", "success")
        return redirect(url_for("economy.attests"))
    invoices = db.session.scalars(select(Invoice).order_by(Invoice.id.desc())).all()
    holders = {a.function: a.user_id for a in db.session.scalars(select(Attestant))}
    users = {u.id: u for u in db.session.scalars(select(User).join(Membership, Membership.user_id == User.id)
                                                 .where(Membership.tenant_id == g.tenant.id))}
    mine = set(attest.functions_of(current_user.id))
    return render_template("economy/attests.html", invoices=invoices, waiting=attest.waiting, holders=holders,
                           users=users, mine=mine, functions=ATTEST_FUNCTIONS, kinds=INVOICE_KINDS,
                           steps=attest.STEP_LABELS, insatser=db.session.scalars(select(Insats).order_by(Insats.name)).all(),
                           form=EmptyForm(), today=clock.today())


@blueprint.route("/attest/<int:invoice_id>/<step>", methods=["POST"])
@requires("attest.view")
def give_attest(invoice_id: int, step: str):
    invoice = get_or_404(Invoice, invoice_id)
    form.require_csrf()
    try:
        attest.attest(invoice, step, current_user.id)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "economy.attests")
    flash(f"{attest.STEP_LABELS.get(step, step)} är given.", "success")
    return redirect(url_for("economy.attests"))


@blueprint.route("/attest/attestanter", methods=["POST"])
@requires("memberships.manage")
def set_attestants():
    form.require_csrf()
    try:
        for function in ATTEST_FUNCTIONS:
            user_id = form.int_field(f"user-{function}", ATTEST_FUNCTIONS[function].lower(), required=False)
            if user_id:
                attest.set_attestant(function, user_id)
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "economy.attests")
    flash("Attestanterna är sparade.", "success")
    return redirect(url_for("economy.attests"))


# Routes of the economy's other pages, each in a module of its own.
from finsam_saas.economy import control_views, export_views, report_views  # noqa: E402,F401  (routes on this blueprint)
