"""Pages of a tenant's organisation: members, bodies and their seats, kansli."""
from flask import flash, g, redirect, render_template, url_for

from finsam_saas.organisation import jobs as organisation_jobs, services
from finsam_saas.organisation.models import Body
from finsam_saas.platform.auth import requires
from finsam_saas.platform.forms import EmptyForm
from finsam_saas.platform import formdata as form
from finsam_saas.platform.web import NavItem, get_or_404, register_navigation, tenant_blueprint

blueprint = tenant_blueprint("organisation", __name__, "/organisation")

register_navigation("Organisation", [
    NavItem("Medlemmar och organ", "organisation.overview", "organisation.view"),
    NavItem("Bakgrundsjobb", "tenant.jobs", "jobs.view"),
    NavItem("Användare", "tenant.memberships", "memberships.manage"),
    NavItem("Ändringslogg", "tenant.audit_log", "audit.view"),
])


@blueprint.route("/")
@requires("organisation.view")
def overview():
    return render_template(
        "organisation/overview.html",
        members=services.members_of(), bodies=services.bodies(), kansli=services.kansli(), print_form=EmptyForm(),
    )


@blueprint.route("/organ/<int:body_id>")
@requires("organisation.view")
def body(body_id: int):
    return render_template("organisation/body.html", body=get_or_404(Body, body_id))


@blueprint.route("/utskrift", methods=["POST"])
@requires("organisation.print")
def print_overview():
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("organisation.overview"))
    flash("Utskriften är beställd.", "info")
    return form.job_page(organisation_jobs.render_overview_pdf, title=f"Organisationsöversikt {g.tenant.short_name}")
