"""`flask demo` brings the seed meetings: Umeåregionen's 2020-10-30 protokoll with §§ 47–58,
justerat and on the anslagstavla, its 2020-11-27 kallelse, and Uppsala's 2022 AU/FS pairs."""
import io

from pypdf import PdfReader
from sqlalchemy import select

from finsam_saas.extensions import db
from finsam_saas.meetings.models import Meeting

from support import in_tenant


def test_demo_meetings_from_the_seeds(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert runner.invoke(args=["demo"]).exit_code == 0  # idempotent
    with in_tenant(app, "umearegionen"):
        meetings = {m.date.isoformat(): m for m in db.session.scalars(select(Meeting))}
        minutes = meetings["2020-10-30"].minutes
        assert [p.number for p in minutes.paragraphs] == list(range(47, 59))
        assert minutes.anslag_posted.isoformat() == "2020-11-30" and minutes.anslag_removed.isoformat() == "2020-12-21"
        items = [i.title for i in meetings["2020-11-27"].items]
        assert len(items) == 13 and items[2:5] == ["Incheckning", "Föregående protokoll", "Verksamhetsplan och budget"]
        minutes_id = minutes.id
    with in_tenant(app, "uppsala-lan"):
        pairs = [(m.date.isoformat(), m.prepares.date.isoformat()) for m in db.session.scalars(select(Meeting))
                 if m.prepares is not None]
        assert ("2022-03-03", "2022-03-24") in pairs and len(pairs) == 5
    public = app.test_client()
    assert "2020-11-26" in public.get("/t/umearegionen/anslagstavla").get_data(as_text=True)
    pdf = public.get(f"/t/umearegionen/anslagstavla/{minutes_id}.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages).split())
    assert "§ 47 Mötets öppnande" in text and "§ 58 Mötet avslutas" in text
    assert "Styrelsen beslutar att ingå som part i överenskommelsen" in text
    assert "Mikael Broman, Försäkringskassan § 52–58" in text
