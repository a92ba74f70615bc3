"""The medlemsmöte's page, its part about the protokoll: the secretary enters whom the meeting
elected (nns.minutes). On the NNS blueprint of views.py, which imports this module last."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for

from finsam_saas.extensions import db
from finsam_saas.nns import minutes, views
from finsam_saas.nns.access import general_or_404
from finsam_saas.platform import formdata as form
from finsam_saas.platform.auth import requires
from finsam_saas.platform.rules import DomainError

blueprint = views.blueprint
blueprint.add_app_template_global(minutes.counters_are_justerare, "nns_counters_are_justerare")
blueprint.add_app_template_global(minutes.election_paragraphs, "nns_election_paragraphs")
JUSTERARE_FIELDS = 2
COUNTER_FIELDS = 2


def _posted() -> dict:
    same = request.form.get("counters_same") == "on"
    return {"chair": form.text("chair"), "secretary": form.text("secretary"),
            "justerare": [form.text(f"justerare[{n}]") for n in range(JUSTERARE_FIELDS)],
            "counters": None if same else [form.text(f"counters[{n}]") for n in range(COUNTER_FIELDS)]}


@blueprint.post("/medlemsmoten/<int:meeting_id>/val")
@requires("nns.meeting.run")
def elect_functionaries(meeting_id: int):
    """The form "Mötets val" on the medlemsmöte's page: saved and written into the protokoll, or the
    page again with what was typed and each refusal beside its field (400/409)."""
    general = general_or_404(meeting_id)
    form.require_csrf()
    try:
        written = minutes.elect_functionaries(general, **_posted())
        db.session.commit()
    except DomainError as error:
        form.undo(error)
        # The medlemsmöte's page as views.py renders it, with this form as typed (the template reads g).
        g.election_form, g.election_errors = request.form, error.fields or {"chair": error.message}
        return views.general_meeting(meeting_id), error.status
    if written:
        listing = " och ".join(f"§ {n}" for n in written)
        flash(f"Mötets val är sparade och införda i protokollet ({listing}); det är protokollets ordförande, "
              "sekreterare och justerare.", "success")
    else:
        flash("Mötets val är sparade. De blir protokollets ordförande, sekreterare och justerare när protokollet "
              "startas.", "success")
    return redirect(url_for("nns.general_meeting", meeting_id=meeting_id, _anchor="motets-val"))
