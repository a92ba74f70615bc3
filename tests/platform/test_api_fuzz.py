"""Property tests over the API, on SQLite and PostgreSQL.

- Schemathesis against /api/v1/openapi.json: whatever it sends, the API never answers 5xx, and
  afterwards no stored text is longer than its column holds or keeps a bidi control or NUL.
- Hypothesis against the main create endpoints: an over-long value or one with a control
  character is a 400 naming the field, and nothing is stored; bidi controls are removed and the
  rest of the value stored as sent (the input contract, platform/contract.py).

Run as a tenant's admin on its own tenant, so the requests get past the walls into the
handlers, where bad input must end in 400/404/409, never a crash.
"""
from datetime import date, timedelta
from itertools import count

import schemathesis
from hypothesis import HealthCheck, given, settings, strategies as st
from schemathesis.checks import not_a_server_error
from sqlalchemy import String, func, select

from finsam_saas.extensions import db
from finsam_saas.insatser.models import Application, Insats
from finsam_saas.meetings.models import AgendaItem, Meeting
from finsam_saas.platform import contract

from support import TENANT_A, ApiClient, in_tenant, make_token

BIDI = sorted(contract.BIDI_CONTROLS)
# C0 controls but tab, newline and CR; DEL; and a lone surrogate (JSON can write one, no database holds it).
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0xDC00)]


def _stored_text_problems(app) -> list[str]:
    """Every text value the database holds for the tenant (and the platform's own rows) that is longer
    than its column allows, or holds a bidi control or NUL: "meetings.place: 301 tecken"."""
    problems = []
    with in_tenant(app, TENANT_A):
        for mapper in db.Model.registry.mappers:
            columns = [(attribute.key, contract.max_length(attribute.columns[0])) for attribute in mapper.column_attrs
                       if isinstance(attribute.columns[0].type, String)]
            if not columns:
                continue
            table = mapper.local_table.name
            for row in db.session.execute(select(*[getattr(mapper.class_, key) for key, _ in columns])):
                for (key, limit), value in zip(columns, row):
                    if not isinstance(value, str):
                        continue
                    if limit is not None and len(value) > limit:
                        problems.append(f"{table}.{key}: {len(value)} tecken, högst {limit}")
                    if "\x00" in value or contract.BIDI_CONTROLS & set(value):
                        problems.append(f"{table}.{key}: {value!r}")
    return problems


def test_the_api_never_answers_5xx_nor_stores_what_its_columns_cannot_hold(any_app):
    app = any_app
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash must come back as the 500 a client would see
    bearer = {"Authorization": f"Bearer {make_token(app, 'admin.a@test.se')}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 40

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=10, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        def no_server_error(case):
            if "tenant" in (case.path_parameters or {}):
                case.path_parameters["tenant"] = TENANT_A
            case.call_and_validate(headers=bearer, checks=[not_a_server_error])

        no_server_error()
    assert _stored_text_problems(app) == []


# The main create endpoints, a valid body each, and the text fields (key paths) people fill in them.
# `{n}` makes each body unique (a meeting's day, an insats's name), so no other rule refuses it.
CREATES = [
    ("/meetings", lambda n: {"body": "styrelse", "date": str(date(2040, 1, 1) + timedelta(days=n)), "confirm": True,
                             "items": [{"title": "Information"}]},
     {"place": Meeting.place, "theme": Meeting.theme, "items[0].title": AgendaItem.title,
      "items[0].proposal": AgendaItem.proposal}, Meeting),
    ("/insatser", lambda n: {"name": f"Insats {n}", "owner": "Umeå kommun", "kind": "individ", "start": "2040-01-01",
                             "end": "2040-12-31"},
     {"name": Insats.name, "owner": Insats.owner, "partners": Insats.partners, "target_group": Insats.target_group,
      "method": Insats.method, "styrgrupp": Insats.styrgrupp, "focus": Insats.focus,
      "diarienummer": Insats.diarienummer}, Insats),
    ("/applications", lambda n: {"title": f"Ansökan {n}", "applicant": "Umeå kommun", "amounts": {"2040": 1000}},
     {"title": Application.title, "applicant": Application.applicant, "goals": Application.goals,
      "target_group": Application.target_group}, Application),
]
# Text people type: letters, digits, punctuation and spaces, but no control or format characters
# (bidi controls are Cf) and no surrogates, which the strategies below add on purpose.
PLAIN = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Zl", "Zp")),
                min_size=1, max_size=12).filter(lambda text: text and text == text.strip())


def _put(body: dict, path: str, value: str) -> dict:
    """`body` with `value` at the key path ("items[0].title")."""
    if "[" in path:
        key, rest = path.split("[", 1)
        index, field = rest.split("].", 1)
        body[key][int(index)][field] = value
    else:
        body[path] = value
    return body


def _at(obj, path: str):
    return getattr(obj.items[0], path.split(".", 1)[1]) if path.startswith("items[") else getattr(obj, path)


@st.composite
def _cases(draw):
    endpoint, make, texts, model = draw(st.sampled_from(CREATES))
    path = draw(st.sampled_from(sorted(texts)))
    limit, plain = contract.max_length(texts[path]), draw(PLAIN)
    kind = draw(st.sampled_from(["long", "control", "bidi"]))
    if kind == "long":
        value = (plain * (limit // len(plain) + 1))[:limit] + draw(st.text("xyz", min_size=1, max_size=40))
    else:
        inserted = draw(st.lists(st.sampled_from(CONTROLS if kind == "control" else BIDI), min_size=1, max_size=4))
        value = plain
        for character in inserted:
            at = draw(st.integers(0, len(value)))
            value = value[:at] + character + value[at:]
    return endpoint, make, path, model, kind, value, plain


def test_over_long_values_and_control_characters_are_named_400s_and_bidi_is_removed(any_app):
    api = ApiClient(any_app, "admin.a@test.se")
    numbers = count()

    @given(case=_cases())
    @settings(max_examples=25, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def holds(case):
        endpoint, make, path, model, kind, value, plain = case
        with in_tenant(any_app, TENANT_A):
            before = db.session.scalar(select(func.count()).select_from(model))
        number = next(numbers)
        if kind == "bidi":  # stored: unique, as a name must be (an insats's name is once per tenant)
            value, plain = f"{number} {value}", f"{number} {plain}"
        answer = api.post(endpoint, json=_put(make(number), path, value))
        if kind == "bidi":
            assert answer.status_code == 201, answer.json
            with in_tenant(any_app, TENANT_A):
                assert _at(db.session.get(model, answer.json["id"]), path) == plain
            return
        assert answer.status_code == 400, answer.json
        assert path in answer.json["error"]["fields"], answer.json
        assert path in answer.json["error"]["message"]
        with in_tenant(any_app, TENANT_A):
            assert db.session.scalar(select(func.count()).select_from(model)) == before

    holds()
    assert _stored_text_problems(any_app) == []
