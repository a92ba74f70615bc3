"""The register of people kept in the web and the API: seats with member, term, e-mail and phone,
ordförande and vice, ersättare order, revisorer, kansli; and the tenant file as import/export of
the same data, where a sync never silently overwrites what the kansli changed in the web."""
import shutil
import tomllib
from datetime import date

import pytest
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.organisation import services
from finsam_saas.organisation.models import Body, KansliPerson, Member, Seat

from support import TENANT_A, TENANT_B, ApiClient, in_tenant

A = f"/t/{TENANT_A}"


def _styrelse(app, slug=TENANT_A) -> int:
    with in_tenant(app, slug):
        return db.session.scalar(select(Body.id).where(Body.slug == "styrelse"))


def _seat(app, person) -> Seat:
    with in_tenant(app, TENANT_A):
        seat = db.session.scalar(select(Seat).where(Seat.person == person))
        db.session.expunge(seat)
        return seat


def test_kansli_adds_a_ledamots_email_and_phone_in_the_browser_form(client_a, app):
    body_id = _styrelse(app)
    page = client_a.get(f"{A}/organisation/organ/{body_id}").get_data(as_text=True)
    assert "Christina Lidström" in page and "Lägg till en person" in page
    seat_id = _seat(app, "Christina Lidström").id
    form = client_a.get(f"{A}/organisation/platser/{seat_id}").get_data(as_text=True)
    assert 'value="Christina Lidström"' in form
    bad = client_a.post(f"{A}/organisation/platser/{seat_id}", data={
        "person": "Christina Lidström", "seat": "ordinarie", "appointed_by": "Bjurholms kommun",
        "email": "christina.lidstrom(at)bjurholm.se", "phone": "0932-140 00"})
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "ingen e-postadress" in text and 'aria-invalid="true"' in text and 'value="0932-140 00"' in text
    assert _seat(app, "Christina Lidström").email is None  # nothing saved
    saved = client_a.post(f"{A}/organisation/platser/{seat_id}", data={
        "person": "Christina Lidström", "seat": "ordinarie", "appointed_by": "Bjurholms kommun",
        "email": "Christina.Lidstrom@Bjurholm.se", "phone": "0932-140 00"}, follow_redirects=True)
    assert "sparade" in saved.get_data(as_text=True)
    seat = _seat(app, "Christina Lidström")
    assert (seat.email, seat.phone) == ("christina.lidstrom@bjurholm.se", "0932-140 00")
    assert seat.edited_at is not None


def test_register_rules_name_what_is_wrong(any_app):
    with in_tenant(any_app, TENANT_A):
        body = db.session.scalar(select(Body).where(Body.slug == "styrelse"))
        umea = db.session.scalar(select(Member).where(Member.name == "Umeå kommun"))
        fields = dict(appointed_by=umea, email=None, phone=None, substitute_order=None, term_start=None, term_end=None)
        with pytest.raises(services.InvalidInput, match="alla är besatta"):  # five ordinarie seats, five held
            services.add_seat(body, person="Ny Ledamot", seat="ordinarie", role=None, **fields)
        with pytest.raises(services.InvalidInput, match="Peter Vigren är redan ordförande"):
            services.add_seat(body, person="Ny Ersättare", seat="ersattare", role="ordforande", **fields)
        with pytest.raises(services.InvalidInput, match="slutar .* före den börjar"):
            services.add_seat(body, person="Ny Ersättare", seat="ersattare", role=None,
                              **{**fields, "term_start": date(2022, 1, 1), "term_end": date(2021, 1, 1)})
        first = services.add_seat(body, person="Ny Ersättare", seat="ersattare", role=None,
                                  **{**fields, "substitute_order": 2})
        with pytest.raises(services.InvalidInput, match="Ny Ersättare är redan ersättare nummer 2"):
            services.add_seat(body, person="Andra Ersättaren", seat="ersattare", role=None,
                              **{**fields, "substitute_order": 2})
        # A ledamot whose term ends frees the seat for the one who follows.
        vigren = db.session.scalar(select(Seat).where(Seat.person == "Peter Vigren", Seat.body_id == body.id))
        services.end_term(vigren, date(2022, 12, 31))
        follower = services.add_seat(body, person="Ny Ordförande", seat="ordinarie", role="ordforande",
                                     **{**fields, "term_start": date(2023, 1, 1)})
        assert follower.serves_on(date(2023, 1, 1)) and not vigren.serves_on(date(2023, 1, 1))
        assert first.active
        db.session.rollback()


def test_register_through_the_api(any_app):
    api = ApiClient(any_app)
    body_id = _styrelse(any_app)
    board = api.get(f"/bodies/{body_id}").json
    seats = {s["person"]: s for s in board["seats"]}
    assert seats["Peter Vigren"]["role"] == "ordforande" and seats["Peter Vigren"]["email"]
    added = api.post(f"/bodies/{body_id}/seats", json={"person": "Anna Ny", "seat": "ersattare",
                                                      "appointed_by": "Umeå kommun", "email": "anna.ny@umea.se",
                                                      "substitute_order": 2, "term_start": "2023-01-01"})
    assert added.status_code == 201, added.json
    changed = api.patch(f"/seats/{added.json['id']}", json={"phone": "090-16 10 00"})
    assert changed.status_code == 200 and changed.json["email"] == "anna.ny@umea.se"
    assert changed.json["phone"] == "090-16 10 00"
    bad = api.patch(f"/seats/{added.json['id']}", json={"appointed_by": "Stockholms stad"})
    assert bad.status_code == 400 and bad.json["error"]["fields"] == {"appointed_by": "okänd medlem"}
    ended = api.post(f"/seats/{added.json['id']}/end", json={"date": "2024-12-31"})
    assert ended.status_code == 200 and ended.json["term_end"] == "2024-12-31"
    assert api.delete(f"/seats/{added.json['id']}").status_code == 204
    assert "Anna Ny" not in {s["person"] for s in api.get(f"/bodies/{body_id}").json["seats"]}
    # kansli and the members' address for the anslag
    person = api.post("/kansli", json={"name": "Eva Ekonom", "role": "ekonom", "title": "Ekonom",
                                       "email": "eva@umea.se"})
    assert person.status_code == 201
    assert api.patch(f"/kansli/{person.json['id']}", json={"phone": "ring växeln"}).status_code == 400  # not a number
    member = next(m for m in api.get("/members").json if m["name"] == "Vännäs kommun")
    set_email = api.patch(f"/members/{member['id']}", json={"email": "kommun@vannas.se"})
    assert set_email.status_code == 200 and set_email.json["email"] == "kommun@vannas.se"
    # a reader sees the register without the contact details, and cannot change it
    reader = ApiClient(any_app, "lasare.a@test.se")
    assert "email" in reader.get(f"/bodies/{body_id}").json["seats"][0]
    outsider = ApiClient(any_app, "kansli.b@test.se", TENANT_B)
    assert outsider.patch(f"/seats/{seats['Peter Vigren']['id']}", json={"phone": "1"}).status_code == 404
    assert outsider.get(f"/bodies/{body_id}").status_code == 404


def test_insatsansvarig_sees_no_contact_details(app):
    from finsam_saas.platform.models import Membership, User

    with in_tenant(app, TENANT_A) as tenant:
        user = db.session.scalar(select(User).where(User.email == "lasare.a@test.se"))
        db.session.scalar(select(Membership).where(Membership.user_id == user.id,
                                                   Membership.tenant_id == tenant.id)).role = "insatsansvarig"
        db.session.commit()
    seats = ApiClient(app, "lasare.a@test.se").get(f"/bodies/{_styrelse(app)}").json["seats"]
    assert seats and all("email" not in s and "phone" not in s for s in seats)


def _tenants_copy(app, tmp_path):
    directory = tmp_path / "tenants"
    shutil.copytree(app.config["TENANTS_DIR"], directory)
    app.config["TENANTS_DIR"] = directory
    return directory / "umearegionen.toml"


def test_a_sync_keeps_what_was_edited_in_the_web_and_shows_the_difference(app, tmp_path):
    path = _tenants_copy(app, tmp_path)
    with in_tenant(app, TENANT_A):
        seat = db.session.scalar(select(Seat).where(Seat.person == "Christina Lidström"))
        services.update_seat(seat, person=seat.person, seat=seat.seat, appointed_by=seat.appointed_by,
                             email="christina@bjurholm.se", phone="0932-140 00", role=None, substitute_order=None,
                             term_start=None, term_end=None)
        services.add_kansli(name="Eva Ekonom", role="ekonom", title="Ekonom", email=None, phone=None)
        db.session.commit()
    # the file changes the same person's phone meanwhile
    text = path.read_text(encoding="utf-8").replace(
        'person = "Christina Lidström"\n', 'person = "Christina Lidström"\nphone = "070-111 11 11"\n', 1)
    path.write_text(text, encoding="utf-8")
    run = app.test_cli_runner().invoke(args=["tenants", "sync"])
    assert run.exit_code == 0, run.output
    assert "webben gäller" in run.output
    assert "umearegionen: styrelse Christina Lidström: telefon i webben ”0932-140 00”, i filen ”070-111 11 11”" in run.output
    assert "umearegionen: kansli Eva Ekonom: finns bara i webben" in run.output
    with in_tenant(app, TENANT_A):
        seat = db.session.scalar(select(Seat).where(Seat.person == "Christina Lidström"))
        assert (seat.email, seat.phone) == ("christina@bjurholm.se", "0932-140 00")
        assert db.session.scalar(select(KansliPerson).where(KansliPerson.name == "Eva Ekonom")).active
    # and only when told, the file wins
    run = app.test_cli_runner().invoke(args=["tenants", "sync", "--file-wins"])
    assert run.exit_code == 0, run.output
    with in_tenant(app, TENANT_A):
        seat = db.session.scalar(select(Seat).where(Seat.person == "Christina Lidström"))
        assert (seat.email, seat.phone, seat.edited_at) == (None, "070-111 11 11", None)
        assert not db.session.scalar(select(KansliPerson).where(KansliPerson.name == "Eva Ekonom")).active


def test_export_writes_what_the_web_holds_and_reads_back_unchanged(app, tmp_path):
    path = _tenants_copy(app, tmp_path)
    with in_tenant(app, TENANT_A):
        body = db.session.scalar(select(Body).where(Body.slug == "styrelse"))
        vannas = db.session.scalar(select(Member).where(Member.name == "Vännäs kommun"))
        services.add_seat(body, person="Anna Ny", seat="ersattare", appointed_by=vannas, email="anna@vannas.se",
                          phone="0935-140 00", role=None, substitute_order=2, term_start=date(2023, 1, 1),
                          term_end=date(2026, 12, 31))
        db.session.commit()
    exported = app.test_cli_runner().invoke(args=["tenants", "export", TENANT_A, "--out", str(path)])
    assert exported.exit_code == 0, exported.output
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    anna = next(s for b in data["bodies"] if b["slug"] == "styrelse" for s in b["seats"] if s["person"] == "Anna Ny")
    assert anna == {"person": "Anna Ny", "seat": "ersattare", "appointed_by": "Vännäs kommun", "email": "anna@vannas.se",
                    "phone": "0935-140 00", "substitute_order": 2, "term_start": date(2023, 1, 1),
                    "term_end": date(2026, 12, 31)}
    run = app.test_cli_runner().invoke(args=["tenants", "sync"])
    assert run.exit_code == 0, run.output
    assert "webben gäller" not in run.output  # the file now says what the web says
    assert "0 nya, 0 ändrade, 0 avaktiverade" in run.output
