"""NNS's demo: the elected positions as the valberedning listed them (seed 000), its
call for nominations before årsmötet 2021, and the medlemsmöte of 2021-12-02 with
NNS's agenda and motion deadline (seed 003). Idempotent."""
from __future__ import annotations

from datetime import date, time

from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.nns import services
from finsam_saas.nns.models import GeneralMeeting, MemberContact, NominationRound, Position
from finsam_saas.platform.models import User

# (role, holder, förbund, elected in, term ends at årsmötet, note); * in the seed = term ends 2021
POSITIONS_2021 = [
    ("ordforande", "Marie Svensson", "Samordningsförbundet RAR i Sörmland", 2020, 2022, "omvald"),
    ("vice_ordforande", "Anne-Marie Larsson", "Samordningsförbundet Södertälje", None, 2021, ""),
    ("kassor", "Kenneth Andersson", "Samordningsförbundet Skellefteå–Norsjö", None, 2021, ""),
    ("ledamot", "Kenneth Gustavsson", "Samordningsförbundet BÅD-ESÅ", 2020, 2022, "omval"),
    ("ledamot", "Inger Trodell Dahl", "Samordningsförbundet Sydnärke", 2020, 2022, "omval"),
    ("ledamot", "Jonas Erlandsson", "Samordningsförbundet Kalmar län", 2020, 2022, "omval"),
    ("ledamot", "Andreas Unger", "Samordningsförbundet Gotland", 2020, 2022, "nyval"),
    ("ledamot", "Kenth Carlsson", "Samspelet (Värmland)", 2020, 2022, "nyval"),
    ("ledamot", "Fredrik Lundén", "Samordningsförbundet Centrala Östergötland", None, 2021, ""),
    ("ledamot", "Angela Fasth", "Samordningsförbundet Insjöriket", None, 2021, ""),
    ("ledamot", "Irma Görtz", "Samordningsförbundet Östra Östergötland", None, 2021, ""),
    ("revisor", "Johan Fält", "Finsam Göteborg", None, 2021, ""),
    ("revisor", "Anna Strand", "Samordningsförbundet Insjöriket", None, 2021, ""),
    ("valberedning", "Ingrid Jerneborg Glimne", "Samordningsförbundet RAR i Sörmland", None, 2021, "sammankallande"),
    ("valberedning", "Ewa Pihl Krabbe", "Samordningsförbundet Skåne Nordost", None, 2021, ""),
    ("valberedning", "Karin Näsmark", "Samordningsförbundet Jämtland", None, 2021, ""),
]

# Demo people who act for member förbund (see finsam_saas/demo.py for their logins).
DEMO_CONTACTS = [("kontakt@sodertalje.demo", "Kontakt Södertälje", "Samordningsförbundet Södertälje")]
DEMO_OMBUD = [
    ("Samordningsförbundet Umeåregionen", "Johanna Långdal Persson", "kansli@umearegionen.demo"),
    ("Samordningsförbundet Skellefteå–Norsjö", "Kansliet Skellefteå–Norsjö", "kansli@skelleftea-norsjo.demo"),
    ("Samordningsförbundet Södertälje", "Kontakt Södertälje", "kontakt@sodertalje.demo"),
]


def load() -> None:
    if db.session.scalar(select(Position.id).limit(1)) is None:
        for role, holder, forbund, elected, ends, note in POSITIONS_2021:
            services.add_position(role=role, holder=holder, member=services.member_named(forbund, "member"),
                                  term_ends=ends, elected_year=elected, note=note)
    if db.session.scalar(select(NominationRound.id).limit(1)) is None:
        services.open_round(title="Nomineringar till styrelse och revisorer inför årsmötet 2021",
                            deadline=date(2021, 1, 31), seats=services.seats_from_positions(2021),
                            today=date(2020, 12, 1))  # opened before årsmötet 2021, as seed 000 tells
    for email, name, forbund in DEMO_CONTACTS:
        if db.session.scalar(select(MemberContact).where(MemberContact.email == email)) is None:
            contact = services.add_contact(services.member_named(forbund, "member"), name=name, email=email)
            contact.user_id = db.session.scalar(select(User.id).where(User.email == email))
    general = db.session.scalar(select(GeneralMeeting).limit(1))
    if general is None:
        general = services.create_general_meeting(day=date(2021, 12, 2), start=time(9), end=time(12), place="Digitalt",
                                                  motion_deadline=date(2021, 10, 21))
        for forbund, name, email in DEMO_OMBUD:
            services.register_ombud(general, services.member_named(forbund, "member"), name=name, email=email)
    db.session.flush()


LOADERS = {"nns": load}
