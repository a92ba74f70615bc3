"""The platform's JSON endpoints: who am I, a tenant's jobs, and the OpenAPI document."""
from flask import Blueprint, current_app, g, jsonify

from finsam_saas.platform.auth import requires
from finsam_saas.platform.models import Job
from finsam_saas.platform.openapi import build_spec
from finsam_saas.platform.web import api_blueprint, get_or_404

blueprint = api_blueprint("platform_api", __name__, tenant=False)
tenant_api = api_blueprint("platform_tenant_api", __name__)
public_api = Blueprint("api_public", __name__, url_prefix="/api/v1")


@blueprint.get("/me")
def me():
    """The caller and the tenants it belongs to."""
    user = g.api_user
    return jsonify({
        "email": user.email,
        "name": user.name,
        "memberships": [{"tenant": m.tenant.slug, "role": m.role} for m in user.memberships],
    })


@tenant_api.get("/jobs/<int:job_id>")
@requires("jobs.view")
def job(job_id: int):
    """A background job's state, progress and error."""
    job = get_or_404(Job, job_id)
    return jsonify(job_json(job))


def job_json(job: Job) -> dict:
    """A job as the API shows it: `warnings` names what a finished job did not manage (`label`
    "Klart med avvikelser"); `attempts` counts its runs (2 or more: a worker died and another
    continued it, platform/jobs.py)."""
    return {"id": job.id, "title": job.title, "state": job.state, "label": job.state_label, "progress": job.progress,
            "error": job.error, "warnings": job.warnings or [], "result": job.result,
            "attempts": job.attempts or 0}  # more than 1: its worker died and it was run again


@public_api.get("/openapi.json")
def openapi():
    return jsonify(build_spec(current_app))
