"""Publishing to the shared store and comparing: small counts never shown, nor derivable;
withdrawn means gone everywhere; a förbund that published nothing is absent, not zero."""
import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from finsam_saas.analysis.models import Figure, Publication
from finsam_saas.analysis.publishing import count_groups
from finsam_saas.analysis.suppression import derivable, determined_cells
from finsam_saas.extensions import db
from finsam_saas.insatser import services as insatser
from finsam_saas.platform.models import Job

from support import TENANT_A, TENANT_B, in_tenant, login

UPPSALA = "uppsala-lan"


def _outcomes(app, slug, rows):
    """rows: [(name, kind, counts for women and men alike)]; year 2021."""
    with in_tenant(app, slug):
        for name, kind, counts in rows:
            insats = insatser.create_insats(name=name, owner="Försäkringskassan", kind=kind, start=date(2021, 1, 1),
                                            end=date(2021, 12, 31), grants={"2021": 1_000_000})
            keys = ("participants", "new", "ended", "to_work", "to_studies", "to_other_solution", "other_dropouts",
                    "remaining")
            half = dict(zip(keys, counts))
            zero = dict.fromkeys(keys, 0)
            insatser.record_outcome(insats, "2021", {"women": half, "men": zero})
            insatser.report_spend(insats, 2021, through=date(2021, 12, 31), amount=800_000)
        db.session.commit()


def _client(app, email):
    client = app.test_client()
    assert login(client, email).status_code == 302
    return client


def _text(response) -> str:
    if response.mimetype == "application/pdf":
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    return response.get_data(as_text=True)


# Umeåregionen: individ ended 20 with 3 to work (small), struktur ended 12.
A_ROWS = [("Individ A", "individ", (40, 10, 20, 3, 7, 5, 5, 20)),
          ("Struktur A", "struktur", (30, 10, 12, 6, 0, 6, 0, 18))]
B_ROWS = [("Individ B", "individ", (60, 20, 30, 12, 8, 6, 4, 30))]


def test_a_small_count_is_never_shared_nor_derivable(any_app):
    _outcomes(any_app, TENANT_A, A_ROWS)
    kansli = _client(any_app, "kansli.a@test.se")
    preview = kansli.get("/t/umearegionen/analys/publicera?ar=2021").get_data(as_text=True)
    assert "hålls inne" in preview
    assert kansli.post("/t/umearegionen/analys/publicera", data={"year": "2021"}).status_code == 302
    with in_tenant(any_app, TENANT_A) as tenant:
        figures = {(f.measure, f.dimension): f.value for f in db.session.scalars(
            select(Figure).join(Publication).where(Publication.tenant_id == tenant.id))}
    assert ("arbete", "individ") not in figures  # the 3
    shown = {f"{m}|{d}": figures.get((m, d)) for m, d in (k.split("|") for g in count_groups() for k in (g.total, *g.parts))}
    for key, value in shown.items():
        assert value is None or not 0 < value < 5, key
    for key, value in derivable(shown, count_groups()).items():
        assert not 0 < value < 5, f"{key} = {value} can be worked out"
    assert not determined_cells(shown, count_groups()) & {"arbete|individ"}
    # Nor does it show in any page of another förbund: Umeåregionen is absent where its count is held back.
    other = _client(any_app, "kansli.b@test.se")
    held = other.get("/t/skelleftea-norsjo/analys/?matt=arbete&indelning=individ&ar=2021").get_data(as_text=True)
    assert "Umeåregionen" not in held
    shown_total = other.get("/t/skelleftea-norsjo/analys/?matt=arbete&indelning=alla&ar=2021").get_data(as_text=True)
    assert "Umeåregionen" in shown_total  # 3 + 6 = 9 to work over all its insatser may be shown


def test_comparison_beside_others_and_absent_when_unpublished(any_app):
    _outcomes(any_app, TENANT_A, A_ROWS)
    _outcomes(any_app, TENANT_B, B_ROWS)
    _outcomes(any_app, UPPSALA, B_ROWS)  # has figures, publishes nothing
    _client(any_app, "kansli.a@test.se").post("/t/umearegionen/analys/publicera", data={"year": "2021"})
    _client(any_app, "kansli.b@test.se").post("/t/skelleftea-norsjo/analys/publicera", data={"year": "2021"})
    page = _text(_client(any_app, "kansli.a@test.se").get(
        "/t/umearegionen/analys/?matt=andel_arbete_studier&indelning=alla&ar=2021"))
    # Skellefteå–Norsjö: (12 + 8) of 30 ended went to work or studies.
    assert "Skellefteå–Norsjö" in page and "66,7 %" in page
    assert "Uppsala" not in page  # absent, not zero
    assert "Snitt för de 2 förbund som publicerat: <strong>58,4 %</strong>" in page  # (50,0 + 66,7) / 2
    deltagare = _text(_client(any_app, "kansli.a@test.se").get(
        "/t/umearegionen/analys/?matt=deltagare&indelning=alla&ar=2021"))
    assert "Umeåregionen (ni)" in deltagare and "Snitt för de 2 förbund som publicerat" in deltagare
    # Every year of every förbund that published is one link away, the unpublished still absent.
    assert "Alla 2 förbund som publicerat, år för år" in page
    table = _text(_client(any_app, "kansli.a@test.se").get(
        "/t/umearegionen/analys/over-aren?matt=andel_arbete_studier&indelning=alla"))
    assert "Skellefteå–Norsjö" in table and "66,7 %" in table and "Uppsala" not in table
    assert _client(any_app, "kansli.a@test.se").get("/t/umearegionen/analys/over-aren?matt=okant").status_code == 404


def test_withdrawing_removes_it_everywhere(any_app):
    _outcomes(any_app, TENANT_A, A_ROWS)
    _outcomes(any_app, TENANT_B, B_ROWS)
    a = _client(any_app, "kansli.a@test.se")
    a.post("/t/umearegionen/analys/publicera", data={"year": "2021"})
    _client(any_app, "kansli.b@test.se").post("/t/skelleftea-norsjo/analys/publicera", data={"year": "2021"})
    b = _client(any_app, "kansli.b@test.se")
    path = "/t/skelleftea-norsjo/analys/?matt=deltagare&indelning=alla&ar=2021"
    assert "Umeåregionen" in _text(b.get(path))
    with in_tenant(any_app, TENANT_A) as tenant:
        publication_id = db.session.scalar(select(Publication.id).where(Publication.tenant_id == tenant.id))
    # Only its own förbund may withdraw it.
    assert b.post(f"/t/skelleftea-norsjo/analys/publiceringar/{publication_id}/aterkalla").status_code == 404
    assert a.post(f"/t/umearegionen/analys/publiceringar/{publication_id}/aterkalla").status_code == 302
    for url in (path, "/t/skelleftea-norsjo/analys/medlemssamrad?ar=2021"):
        assert "Umeåregionen" not in _text(b.get(url)), url
    b.post("/t/skelleftea-norsjo/analys/medlemssamrad", data={"period": "2021"})
    with in_tenant(any_app, TENANT_B):
        job = db.session.scalars(select(Job).where(Job.kind.like("%render_member_report"))).one()
        assert job.state == "finished", job.error
        job_id = job.id
    pdf = _text(b.get(f"/t/skelleftea-norsjo/jobb/{job_id}/fil"))
    assert "Skellefteå–Norsjö" in pdf and "Umeåregionen" not in pdf
