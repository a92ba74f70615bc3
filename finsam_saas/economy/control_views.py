"""Pages of the internkontrollplan (seed 004)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from finsam_saas.economy.views import blueprint
from finsam_saas.extensions import db
from finsam_saas.platform import clock
from finsam_saas.platform import formdata as form
from finsam_saas.platform.auth import can, requires
from finsam_saas.platform.forms import EmptyForm
from finsam_saas.platform.rules import DomainError
from finsam_saas.platform.web import get_or_404
from finsam_saas.platform.years import data_years, default_year
from finsam_saas.economy import internal_control as control_rules
from finsam_saas.economy.models import CONSEQUENCES, PROBABILITIES, Control, ControlFollowUp


@blueprint.route("/internkontroll", methods=["GET", "POST"])
@requires("economy.view")
def internal_control():
    year = request.args.get("ar", type=int) or default_year(clock.today().year, data_years(ControlFollowUp.year))
    if request.method == "POST":
        if not can("economy.edit"):
            abort(403)
        form.require_csrf()
        try:
            control_rules.add_control(
                process=form.text("process"), control=form.text("control"), owner=form.text("owner"),
                method=form.text("method"), frequency=form.text("frequency"), report_to=form.text("report_to"),
                consequence=form.int_field("consequence", "konsekvens"), probability=form.int_field("probability", "sannolikhet"))
            db.session.commit()
        except DomainError as error:
            return form.back_with_error(error, "economy.internal_control", ar=year)
        flash("Kontrollen är tillagd i internkontrollplanen.", "success")
        return redirect(url_for("economy.internal_control", ar=year))
    return render_template("economy/internal_control.html", year=year, years=data_years(ControlFollowUp.year),
                           rows=control_rules.plan(year),
                           consequences=CONSEQUENCES, probabilities=PROBABILITIES, results=control_rules.RESULTS,
                           level=control_rules.risk_level, form=EmptyForm())


@blueprint.route("/internkontroll/<int:control_id>/uppfoljning", methods=["POST"])
@requires("economy.edit")
def follow_up_control(control_id: int):
    control = get_or_404(Control, control_id)
    year = form.int_field("year", "år") if form.text("year") else clock.today().year
    form.require_csrf()
    try:
        control_rules.follow_up(control, year=year, result=form.text("result"), note=form.text("note"))
        db.session.commit()
    except DomainError as error:
        return form.back_with_error(error, "economy.internal_control", ar=year)
    flash(f"Uppföljningen {year} av \"{control.control}\" är sparad.", "success")
    return redirect(url_for("economy.internal_control", ar=year))
