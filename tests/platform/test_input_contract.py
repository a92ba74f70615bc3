"""The input contract (platform/contract.py, platform/schemas.py), on SQLite and PostgreSQL alike:
every text as long as its column holds and no longer, a 400 that names the field, bounded
JSON bodies, Swedish messages only, and no bidi or control characters stored.

Each failure of issue 18 has its test here: JSON nested 100 000 deep (was a 500, RecursionError),
a 10 000-character place, a 301-character theme and a 1 000-character applicant (stored on
SQLite, a 400 naming no field on PostgreSQL), partners / target_group / method / styrgrupp with
no limit at all, marshmallow's English inside Swedish errors, and U+202E stored as typed.
The tests on both databases are few and each covers a whole concern: every PostgreSQL test
costs a database of its own.
"""
import importlib
import inspect
import io
import json
import pkgutil
from datetime import date

import pytest
from marshmallow import Schema as MarshmallowSchema, fields as mm_fields
from sqlalchemy import String, func, select

import finsam_saas
from finsam_saas.extensions import db
from finsam_saas.insatser.models import Application, Insats
from finsam_saas.meetings.models import Meeting
from finsam_saas.organisation.models import Body
from finsam_saas.platform import contract
from finsam_saas.platform.rules import InvalidInput
from finsam_saas.platform.schemas import SWEDISH_FIELD_MESSAGES, Schema, load

from support import TENANT_A, ApiClient, in_tenant, login

A = f"/t/{TENANT_A}"
YEAR = date.today().year + 1
MEETING = {"body": "styrelse", "date": f"{YEAR}-03-01"}
INSATS = {"name": "Bryggan", "owner": "Umeå kommun", "kind": "individ", "start": f"{YEAR}-01-01",
          "end": f"{YEAR}-12-31", "grants": {str(YEAR): 100_000}}
APPLICATION = {"title": "Vuxentorget", "applicant": "Umeå kommun", "amounts": {str(YEAR): 100_000}}
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

# marshmallow's English, as it would show inside a Swedish error.
ENGLISH = ("Not a valid", "Missing data", "Unknown field", "Shorter than", "Longer than", "Length must",
           "Must be", "may not be null", "Invalid", "greater than", "less than", "does not match")


def _count(app, model) -> int:
    with in_tenant(app, TENANT_A):
        return db.session.scalar(select(func.count()).select_from(model))


def _stored(app, column) -> list:
    with in_tenant(app, TENANT_A):
        return list(db.session.scalars(select(column)))


def _web(app):
    client = app.test_client()
    assert login(client, "kansli.a@test.se").status_code == 302
    return client


def _styrelse(app) -> int:
    with in_tenant(app, TENANT_A):
        return db.session.scalar(select(Body.id).where(Body.slug == "styrelse"))


def _thousands(number: int) -> str:
    return f"{number:,}".replace(",", "\u00a0")


# --- request bodies ----------------------------------------------------------------------------

def test_json_bodies_are_bounded_in_depth_and_size_and_uploads_are_not(any_app):
    api = ApiClient(any_app)
    # 100 000 deep, as an array and as an object: a 400 naming the body, never a RecursionError.
    for opening, closing in (("[", "]"), ('{"a":', "}")):
        answer = api.post("/meetings", data=opening * 100_000 + "1" + closing * 100_000,
                          content_type="application/json")
        assert answer.status_code == 400
        assert answer.json["error"]["code"] == "invalid" and "för djupt nästlad" in answer.json["error"]["message"]
        assert "body" in answer.json["error"]["fields"]
    # Brackets inside strings are text, not depth.
    assert api.post("/meetings", json={**MEETING, "theme": "[[[[{{{{" * 20}).status_code == 201
    # A body past MAX_JSON_BYTES: 413 in Swedish.
    answer = api.post("/meetings", data=json.dumps({**MEETING, "theme": "x" * (2 * 1024 * 1024)}),
                      content_type="application/json")
    assert answer.status_code == 413
    assert answer.json["error"]["code"] == "too_large" and "för stor" in answer.json["error"]["message"]
    assert _count(any_app, Meeting) == 1
    # An upload larger than the JSON bound still reaches the import (its own bound is elsewhere).
    big = ("Insats;Deltagare\n" + "Bryggan;1\n" * 120_000).encode()
    assert contract.MAX_JSON_BYTES < len(big) < any_app.config["MAX_CONTENT_LENGTH"]
    answer = _web(any_app).post(f"{A}/insatser/import", data={"file": (io.BytesIO(big), "stor.csv")},
                                content_type="multipart/form-data")
    assert answer.status_code in (302, 400) and "Begäran är för stor" not in answer.get_data(as_text=True)


# --- lengths -----------------------------------------------------------------------------------

OVER_LONG = [("/meetings", MEETING, "place", 10_000, Meeting), ("/meetings", MEETING, "theme", 301, Meeting),
             ("/applications", APPLICATION, "applicant", 1_000, Application),
             ("/insatser", INSATS, "partners", 2_001, Insats), ("/insatser", INSATS, "target_group", 1_001, Insats),
             ("/insatser", INSATS, "method", 4_001, Insats), ("/insatser", INSATS, "styrgrupp", 2_001, Insats)]


def test_the_api_answers_an_over_long_value_with_a_400_naming_the_field_and_stores_nothing(any_app):
    api = ApiClient(any_app)
    for path, body, field, length, model in OVER_LONG:
        answer = api.post(path, json={**body, field: "x" * length})
        assert answer.status_code == 400, (field, answer.json)
        error = answer.json["error"]
        assert error["code"] == "invalid" and field in error["message"]
        assert error["fields"] == {field: f"högst {contract.max_length(getattr(model, field))} tecken"}
        assert _count(any_app, model) == 0, field
    # As long as the column holds is taken …
    assert api.post("/meetings", json={**MEETING, "place": "p" * 300, "theme": "t" * 300}).status_code == 201
    assert api.post("/applications", json={**APPLICATION, "applicant": "a" * 200}).status_code == 201
    answer = api.post("/insatser", json={**INSATS, "partners": "p" * 2000, "target_group": "t" * 1000,
                                         "method": "m" * 4000, "styrgrupp": "s" * 2000})
    assert answer.status_code == 201, answer.json
    # … and a change is held to the same bound.
    refused = api.patch(f"/insatser/{answer.json['id']}", json={"styrgrupp": "s" * 2001})
    assert refused.status_code == 400 and list(refused.json["error"]["fields"]) == ["styrgrupp"]
    assert _stored(any_app, Insats.styrgrupp) == ["s" * 2000]


def test_the_forms_refuse_over_long_values_naming_the_field_and_store_nothing(any_app):
    client = _web(any_app)
    meeting = {"body_id": str(_styrelse(any_app)), "date": f"{YEAR}-03-01", "start": "08:30", "end": "12:00"}
    for field, value, said in (("place", "p" * 10_000, "Platsen får vara högst 300 tecken, inte 10\u00a0000."),
                               ("theme", "t" * 301, "Temat får vara högst 300 tecken, inte 301.")):
        answer = client.post(f"{A}/moten/nytt", data={**meeting, field: value})
        assert answer.status_code == 400 and said in answer.get_data(as_text=True)
    answer = client.post(f"{A}/insatser/ansokningar", data={
        "title": "Vuxentorget", "applicant": "a" * 1000, "kind": "individ", "start": f"{YEAR}-01-01",
        "end": f"{YEAR}-12-31", f"amount-{YEAR}": "100 000"})
    assert answer.status_code == 400 and "Sökanden får vara högst 200 tecken" in answer.get_data(as_text=True)
    insats = {"name": "Bryggan", "owner": "Umeå kommun", "kind": "individ", "start": f"{YEAR}-01-01",
              "end": f"{YEAR}-12-31"}
    for field, limit in (("partners", 2000), ("target_group", 1000), ("method", 4000), ("styrgrupp", 2000)):
        answer = client.post(f"{A}/insatser/ny", data={**insats, field: "x" * (limit + 1)})
        page = answer.get_data(as_text=True)
        assert answer.status_code == 400
        assert f"högst {_thousands(limit)} tecken" in page or f"högst {limit} tecken" in page, field
    assert (_count(any_app, Meeting), _count(any_app, Application), _count(any_app, Insats)) == (0, 0, 0)


def test_every_flush_holds_text_to_its_column_whichever_path_wrote_it(any_app):
    """A service, a job or the CLI writing past a column, or a NUL, gets the same named error on both
    databases (on SQLite it would be stored, on PostgreSQL a DataError naming no field)."""
    with in_tenant(any_app, TENANT_A):
        body_id = db.session.scalar(select(Body.id).where(Body.slug == "styrelse"))
        for values, field, said in (({"place": "p" * 10_000}, "place", "Platsen får vara högst 300 tecken, inte 10\u00a0000."),
                                    ({"theme": "a\x00b"}, "theme", "Temat innehåller ett styrtecken som inte kan sparas (U+0000).")):
            db.session.add(Meeting(body_id=body_id, date=date(YEAR, 3, 1), **values))
            with pytest.raises(InvalidInput) as refused:
                db.session.flush()
            assert list(refused.value.fields) == [field] and refused.value.message == said
            db.session.rollback()
    assert _count(any_app, Meeting) == 0


def test_every_text_column_declares_its_maximum_and_the_schemas_read_it():
    """String(n) has its n; a Text column gives info["max_length"], except what the service writes
    itself. The schema's maxLength is the column's."""
    from finsam_saas.insatser.schemas import InsatsIn
    from finsam_saas.meetings.schemas import MeetingIn

    written_by_the_service = {("jobs", "error"), ("deliveries", "error")}
    undeclared = [(table.name, column.name) for table in db.metadata.sorted_tables for column in table.columns
                  if isinstance(column.type, String) and contract.max_length(column) is None
                  and (table.name, column.name) not in written_by_the_service]
    assert undeclared == []

    def longest(schema, name):
        return next(v.max for v in schema().fields[name].validators if hasattr(v, "max"))

    assert longest(MeetingIn, "place") == contract.max_length(Meeting.place) == 300
    assert longest(InsatsIn, "styrgrupp") == Insats.styrgrupp.info["max_length"]


# --- characters --------------------------------------------------------------------------------

def test_the_api_removes_bidi_controls_and_refuses_nul_and_control_characters(any_app):
    api = ApiClient(any_app)
    answer = api.post("/meetings", json={**MEETING, "place": "Sveagatan \u202e8 i Umeå", "theme": f"T{BIDI}ema"})
    assert answer.status_code == 201
    assert (answer.json["place"], answer.json["theme"]) == ("Sveagatan 8 i Umeå", "Tema")
    assert _stored(any_app, Meeting.place) == ["Sveagatan 8 i Umeå"]
    for character in ("\x00", "\x01", "\x1b", "\x7f"):
        answer = api.post("/insatser", json={**INSATS, "method": f"Steg{character}för steg"})
        assert answer.status_code == 400
        error = answer.json["error"]
        assert list(error["fields"]) == ["method"] and "styrtecken" in error["fields"]["method"]
        assert f"U+{ord(character):04X}" in error["message"]
    assert _count(any_app, Insats) == 0
    # Tab, newline and CR are text.
    assert api.post("/insatser", json={**INSATS, "method": "Steg 1\r\nSteg\t2\n"}).status_code == 201
    assert _stored(any_app, Insats.method) == ["Steg 1\r\nSteg\t2\n"]


def test_a_form_removes_bidi_and_control_characters_and_refuses_nul(any_app):
    client = _web(any_app)
    form = {"body_id": str(_styrelse(any_app)), "date": f"{YEAR}-03-01"}
    answer = client.post(f"{A}/moten/nytt", data={**form, "place": "Svea\x01gatan\x1b \u202e8",
                                                  "theme": "Sam\u2066verkan\u2069"})
    assert answer.status_code == 302
    with in_tenant(any_app, TENANT_A):
        meeting = db.session.scalar(select(Meeting))
        assert (meeting.place, meeting.theme) == ("Sveagatan 8", "Samverkan")
    refused = client.post(f"{A}/moten/nytt", data={**form, "place": "Svea\x00gatan"})
    assert refused.status_code == 400 and "NUL" in refused.get_data(as_text=True)
    assert _count(any_app, Meeting) == 1


# --- Swedish only ------------------------------------------------------------------------------

def test_marshmallow_messages_in_the_api_are_swedish(any_app):
    api = ApiClient(any_app)
    answers = [
        api.post("/meetings", json={"date": "nej", "start": "nu", "items": [{"title": "", "kind": "x"}], "zz": 1}),
        api.post("/meetings", json={**MEETING, "items": "inte en lista", "template": "ja"}),
        api.post("/insatser", json={**INSATS, "grants": [], "planned_participants": -1, "kind": "annan"}),
        api.post("/applications", json={"amounts": {"2031": "mycket"}, "start": "2031-13-45"}),
        api.put(f"/budgets/{YEAR}", json={"lines": [{"section": "x", "name": "", "amount": -1}, 3]}),
        api.put(f"/fees/{YEAR}", json={"total": None}),
    ]
    for answer in answers:
        assert answer.status_code == 400, answer.json
        shown = json.dumps(answer.json, ensure_ascii=False)
        assert not [word for word in ENGLISH if word in shown], shown
    first = answers[0].json["error"]["fields"]
    assert first["date"] == "ska skrivas ÅÅÅÅ-MM-DD" and first["items[0].title"] == "1–300 tecken"
    assert first["zz"] == "okänd nyckel" and first["body"] == "saknas" and first["start"] == "ska skrivas TT:MM"


def _request_schemas() -> list[type]:
    """Every schema of a schemas module, and every request schema (…In) wherever it is."""
    found = []
    for module in pkgutil.walk_packages(finsam_saas.__path__, "finsam_saas."):
        if module.name.endswith(".schemas") or module.name.endswith(".api"):
            for _, cls in inspect.getmembers(importlib.import_module(module.name), inspect.isclass):
                if (issubclass(cls, MarshmallowSchema) and cls.__module__ == module.name and cls is not Schema
                        and (module.name.endswith(".schemas") or cls.__name__.endswith("In"))):
                    found.append(cls)
    return found


def _wrong(field):
    if isinstance(field, mm_fields.String):
        return "x" * 100_001  # past any Length
    if isinstance(field, (mm_fields.Integer, mm_fields.Float)):
        return -(10 ** 9)  # below any Range
    return [[1]]  # the wrong type for everything else


def test_every_request_schema_derives_from_the_swedish_one_and_never_answers_in_english(app):
    schemas = _request_schemas()
    assert len(schemas) > 30
    for cls in schemas:
        assert issubclass(cls, Schema), f"{cls.__module__}.{cls.__name__} does not derive from platform.schemas.Schema"
        fields_ = cls().fields
        for data in ({"okänd": 1}, {name: _wrong(field) for name, field in fields_.items()},
                     {name: None for name in fields_}, {}):
            try:
                load(cls(), data)
            except InvalidInput as refused:
                shown = json.dumps(refused.fields, ensure_ascii=False) + refused.message
                assert not [word for word in ENGLISH if word in shown], f"{cls.__name__}: {shown}"
    assert "Not a valid date." in SWEDISH_FIELD_MESSAGES  # the table is what replaces them
