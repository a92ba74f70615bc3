"""Server-side SVG charts: accessible, proportional, escaped, and usable in a PDF."""
import io
import xml.etree.ElementTree as ET

from pypdf import PdfReader

from finsam_saas.platform.charts import bar_chart, line_chart
from finsam_saas.platform.documents import render_pdf

SVG = "{http://www.w3.org/2000/svg}"


def test_bar_chart_is_accessible_and_proportional():
    svg = ET.fromstring(str(bar_chart("Förbrukning", ["Framsteget", "Bryggan"], [("Utfall", [1219, 865]), ("Budget", [1230, 775])])))
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Förbrukning"
    assert "Framsteget 1 219 tkr" in svg.find(f"{SVG}desc").text
    bars = {float(b.get("data-value")): float(b.get("height")) for b in svg.iter(f"{SVG}rect") if b.get("class") == "bar"}
    assert len(bars) == 4
    assert abs(bars[1219] / bars[865] - 1219 / 865) < 0.01


def test_negative_values_go_below_zero_and_none_is_a_gap():
    svg = ET.fromstring(str(bar_chart("Resultat", ["2021", "2022", "2023"], [("Resultat", [-1146, None, 300])])))
    bars = [b for b in svg.iter(f"{SVG}rect") if b.get("class") == "bar"]
    assert len(bars) == 2
    negative, positive = bars
    assert float(negative.get("y")) >= float(positive.get("y")) + float(positive.get("height")) - 0.5


def test_labels_are_escaped():
    markup = str(line_chart("<script>alert(1)</script>", ["<b>2020</b>"], [("<img src=x>", [35.0])]))
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "<img" not in markup
    ET.fromstring(markup)  # still well-formed


def test_chart_renders_in_a_pdf():
    chart = line_chart("Andel till arbete eller studier", ["2019", "2020", "2021"], [("Förbundet", [31.0, 35.5, None])])
    pdf = render_pdf(f'<html lang="sv"><body><h1>Jämförelse</h1>{chart}</body></html>')
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Jämförelse" in text and "2020" in text


def test_long_category_names_are_shortened_on_the_axis_but_kept_in_the_description():
    names = [f"Uppsala, Digital plattform för stöd i studier {n}" for n in range(6)]
    svg = ET.fromstring(str(bar_chart("Kvot", names, [("Kvot", [90, 95, 100, 105, 110, 115])], unit="%")))
    axis_labels = [t.text for t in svg.iter(f"{SVG}text") if t.text and t.text.endswith("…")]
    assert len(axis_labels) == 6 and all(len(label) < len(names[0]) for label in axis_labels)
    assert names[5] in svg.find(f"{SVG}desc").text
