"""NNS's papers as PDF: the röstlängd, the motions with yttranden, the valberedning's proposal.
(The medlemsmöte's protokoll is the meetings module's, with the roll and poll results in its §§.)"""
from __future__ import annotations

from flask import render_template

from finsam_saas.extensions import db
from finsam_saas.nns import services
from finsam_saas.nns.models import GeneralMeeting, NominationRound
from finsam_saas.platform.documents import render_pdf
from finsam_saas.platform.files import tenant_dir
from finsam_saas.platform.models import Tenant


def _render(template: str, tenant_id: int, **context) -> bytes:
    tenant = db.session.get(Tenant, tenant_id)
    return render_pdf(render_template(template, tenant=tenant, **context), tenant_files_dir=tenant_dir(tenant.slug))


def roll_pdf(general: GeneralMeeting) -> bytes:
    return _render("pdf/nns_roll.html", general.tenant_id, general=general, meeting=general.meeting,
                   ombud=services.roll(general))


def motions_pdf(general: GeneralMeeting) -> bytes:
    return _render("pdf/nns_motions.html", general.tenant_id, general=general, meeting=general.meeting,
                   motions=services.motions_of(general))


def proposal_pdf(round_: NominationRound) -> bytes:
    return _render("pdf/nns_proposal.html", round_.tenant_id, round=round_)
