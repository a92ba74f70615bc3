"""Demo data built from the seed documents. Idempotent: a second run keeps what is there."""
from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from finsam_saas.extensions import db
from finsam_saas.analysis.demo import LOADERS as ANALYSIS_DEMOS
from finsam_saas.economy.demo import LOADERS as ECONOMY_DEMOS
from finsam_saas.insatser.demo import LOADERS as INSATS_DEMOS
from finsam_saas.meetings.demo import LOADERS as MEETING_DEMOS
from finsam_saas.nns.demo import LOADERS as NNS_DEMOS
from finsam_saas.organisation.services import load_tenant_files, sync_tenants
from finsam_saas.platform.models import Membership, Tenant, User
from finsam_saas.platform.tenancy import Actor, acting_as, tenant_context

DEMO_PASSWORD = "demo-losen-2026"

MODULE_DEMOS = (MEETING_DEMOS, INSATS_DEMOS, ECONOMY_DEMOS, ANALYSIS_DEMOS, NNS_DEMOS)

# (email, name, [(tenant, role)])
DEMO_USERS = [
    ("kansli@umearegionen.demo", "Johanna Långdal Persson", [("umearegionen", "kansli")]),
    ("chef@umearegionen.demo", "Mikael Holmlund", [("umearegionen", "admin"), ("nns", "ledamot")]),
    ("ledamot@umearegionen.demo", "Peter Vigren", [("umearegionen", "ledamot")]),  # the chair
    ("justerare@umearegionen.demo", "Anders Hahlin", [("umearegionen", "ledamot")]),  # justerare 2020-10-30
    ("revisor@umearegionen.demo", "Revisor Umeåregionen", [("umearegionen", "revisor")]),
    ("kansli@skelleftea-norsjo.demo", "Kansliet Skellefteå–Norsjö", [("skelleftea-norsjo", "kansli")]),
    ("kansli@uppsala-lan.demo", "Kansliet Uppsala län", [("uppsala-lan", "kansli")]),
    ("chef@uppsala-lan.demo", "Åsa Fichtel", [("uppsala-lan", "admin")]),  # förbundschef [003]: decides avvikelser
    ("sekreterare@nns.demo", "NNS sekreterare", [("nns", "kansli")]),
    ("valberedning@nns.demo", "NNS valberedning", [("nns", "valberedning")]),
    # A member förbund that is not a tenant here acts in NNS through an invited contact.
    ("kontakt@sodertalje.demo", "Kontakt Södertälje", [("nns", "medlemsforbund")]),
    # One person in several förbund, as in the joint analysis project (seed 004).
    ("analys@norr.demo", "Analytiker i norr", [("umearegionen", "kansli"), ("skelleftea-norsjo", "kansli")]),
]


def load_demo() -> list[str]:
    lines = []
    with acting_as(Actor(None, "demo")):
        sync_tenants(load_tenant_files(current_app.config["TENANTS_DIR"]))
        tenants = {t.slug: t for t in db.session.scalars(select(Tenant))}
        for email, name, grants in DEMO_USERS:
            user = db.session.scalar(select(User).where(func.lower(User.email) == email))
            if user is None:
                user = User(email=email, name=name)
                user.set_password(DEMO_PASSWORD)
                db.session.add(user)
                db.session.flush()
            for slug, role in grants:
                tenant = tenants[slug]
                with tenant_context(tenant.id):
                    exists = db.session.scalar(
                        select(Membership).where(Membership.user_id == user.id, Membership.tenant_id == tenant.id)
                    )
                    if exists is None:
                        db.session.add(Membership(user=user, tenant_id=tenant.id, role=role))
                        db.session.flush()
            lines.append(f"  {email:32} {', '.join(f'{r} i {s}' for s, r in grants)}")
        db.session.commit()
        for loaders in MODULE_DEMOS:
            for slug, load in loaders.items():
                with tenant_context(tenants[slug].id):
                    load()
                    db.session.commit()
    return ["Demoinloggningar (lösenord: " + DEMO_PASSWORD + "):", *lines]
