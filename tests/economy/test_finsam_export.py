"""The yearly export for Uppföljning Finsam, from the förbund's own data only."""
import io

from openpyxl import load_workbook

from finsam_saas.economy.demo import load_uppsala
from finsam_saas.extensions import db
from finsam_saas.insatser.demo import load_uppsala as load_insatser

from support import in_tenant, login


def test_export_holds_funds_equity_and_insatser(app):
    app.test_cli_runner().invoke(args=["users", "grant", "kansli.a@test.se", "uppsala-lan", "kansli"])
    with in_tenant(app, "uppsala-lan"):
        load_uppsala()
        load_insatser()
        db.session.commit()
    client = app.test_client()
    login(client, "kansli.a@test.se")
    answer = client.get("/t/uppsala-lan/ekonomi/uppfoljning-finsam.xlsx?ar=2021")
    assert answer.status_code == 200
    rows = [list(r) for r in load_workbook(io.BytesIO(answer.data)).active.iter_rows(values_only=True)]
    assert rows[1][:3] == ["Tilldelade medel", None, 23_090_000]
    framsteget = next(r for r in rows if r[1] == "Håbo, Framsteget")
    assert framsteget[2:4] == [2_460_000, 1_219_000]
    csv_text = client.get("/t/uppsala-lan/ekonomi/uppfoljning-finsam.csv?ar=2021").data.decode("utf-8-sig")
    assert "Östhammar, Bryggan;1627000;865000" in csv_text
    assert client.get("/t/umearegionen/ekonomi/uppfoljning-finsam.csv?ar=2021").data.decode("utf-8-sig").count("Bryggan") == 0
