"""One rounding rule in analysis: halves away from zero, as the board papers and Excel round
(6,25 % → 6,3 %), for a share, a mean and kronor per deltagare (round() gave 6,2 and 624)."""
from datetime import date

from finsam_saas.analysis import compare, publishing
from finsam_saas.analysis.models import Figure, Publication
from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.platform.models import utcnow

from support import TENANT_A, TENANT_B, in_tenant


def test_a_published_share_and_cost_per_participant_round_half_up(any_app):
    with in_tenant(any_app, TENANT_A) as tenant:
        insats = insatser.create_insats(name="Halvan", owner="Försäkringskassan", kind="individ", start=date(2021, 1, 1),
                                        end=date(2021, 12, 31), grants={"2021": 1_000_000})
        keys = ("participants", "new", "ended", "to_work", "to_studies", "to_other_solution", "other_dropouts", "remaining")
        counts = dict(zip(keys, (100, 40, 80, 5, 45, 30, 0, 20)))
        insatser.record_outcome(insats, "2021", {"women": counts, "men": dict.fromkeys(keys, 0)})
        insatser.report_spend(insats, 2021, through=date(2021, 12, 31), amount=62_450)
        figures = publishing.draft(2021, tenant).figures
    assert figures[("andel_arbete", "alla")] == 6.3           # 5 of 80 = 6,25 %
    assert figures[("kostnad_per_deltagare", "alla")] == 625  # 62 450 kr / 100 = 624,50 kr
    assert figures[("forbrukningsgrad", "alla")] == 6.2       # 6,245 %: below the half stays down


def test_the_average_of_published_figures_rounds_half_up(any_app):
    for slug, value in ((TENANT_A, 6.2), (TENANT_B, 6.3)):
        with in_tenant(any_app, slug) as tenant:
            db.session.add(Publication(tenant_id=tenant.id, period="2021", published_by="test", published_at=utcnow(),
                                       figures=[Figure(measure="andel_arbete", dimension="alla", value=value)]))
            db.session.commit()
    with in_tenant(any_app, TENANT_A):
        trend = compare.trend("andel_arbete")
        assert trend.averages["2021"] == 6.3          # (6,2 + 6,3) / 2 = 6,25
        assert trend.comparison("2021").average == 6.3
