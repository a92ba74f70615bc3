"""Helpers for the NNS tests: extra member förbund with ombud logins, and a medlemsmöte."""
from __future__ import annotations

from sqlalchemy import func, select

from finsam_saas.extensions import db
from finsam_saas.organisation.models import Member
from finsam_saas.platform.auth import issue_token
from finsam_saas.platform.models import User

from support import NNS, PASSWORD, ApiClient, in_tenant


def add_forbund(app, count: int, *, passwords: bool = False) -> list[tuple[str, str]]:
    """`count` more member förbund in NNS, each with an ombud user (who logs in by
    password only when asked: hashing is slow); returns [(member name, email)]."""
    rows = []
    with in_tenant(app, NNS):
        first = db.session.scalar(select(func.count(Member.id)).where(Member.name.like("Testförbundet %")))
        for n in range(first, first + count):
            name, email = f"Testförbundet {n:02d}", f"ombud{n:02d}@test.se"
            db.session.add(Member(name=name, kind="forbund", position=100 + n))
            user = User(email=email, name=f"Ombud {n:02d}")
            if passwords:
                user.set_password(PASSWORD)
            db.session.add(user)
            rows.append((name, email))
        db.session.commit()
    return rows


def tokens(app, emails: list[str]) -> dict[str, str]:
    with app.app_context():
        found = {}
        for email in emails:
            user = db.session.scalar(select(User).where(User.email == email))
            found[email] = issue_token(user, "test")
        db.session.commit()
        db.session.remove()
    return found


def nns_api(app) -> ApiClient:
    return ApiClient(app, "sekreterare.nns@test.se", NNS)


def meeting_with_roll(app, ombud: list[tuple[str, str]], *, start_minutes: bool = True,
                      day: str = "2021-12-02") -> int:
    """A medlemsmöte (on 2021-12-02 unless told) with this roll, protokoll started and roll fixed."""
    from datetime import date, timedelta

    api = nns_api(app)
    deadline = (date.fromisoformat(day) - timedelta(weeks=6)).isoformat()
    # confirm: a test may hold two medlemsmöten that day (one of each size it compares)
    answer = api.post("/meetings", json={"body": "medlemsmote", "date": day, "start": "09:00",
                                         "end": "12:00", "place": "Digitalt", "motion_deadline": deadline,
                                         "confirm": True})
    assert answer.status_code == 201, answer.json
    meeting_id = answer.json["id"]
    answer = api.put(f"/meetings/{meeting_id}/roll", json={"ombud": [{"member": m, "email": e} for m, e in ombud]})
    assert answer.status_code == 200, answer.json
    if start_minutes:
        minutes = api.post(f"/meetings/{meeting_id}/minutes", json={
                "chair": "Marie Svensson", "secretary": "Charlotte Kardell", "justerare": ["Kenneth Andersson"],
                "attendees": [{"name": "Marie Svensson", "role": "ovrig"}, {"name": "Kenneth Andersson", "role": "ovrig"}]})
        assert minutes.status_code == 201, minutes.json
        fixed = api.post(f"/meetings/{meeting_id}/roll/fix")
        assert fixed.status_code == 200, fixed.json
    return meeting_id
