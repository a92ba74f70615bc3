"""Mail goes to the outbox without SMTP_URL, with its attachments intact."""
import email
from email import policy

from finsam_saas.platform.mail import Attachment, send_mail


def test_mail_is_written_to_the_outbox(app):
    with app.app_context():
        message_id = send_mail(
            "ledamot@umea.se", "Kallelse till styrelsens sammanträde 2020-11-27",
            "Välkommen till sammanträdet.", [Attachment("bilaga 1.pdf", "%PDF-1.7 innehåll".encode())],
        )
    files = list(app.config["OUTBOX_DIR"].glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == "ledamot@umea.se" and message["Message-ID"] == message_id
    assert message["Subject"] == "Kallelse till styrelsens sammanträde 2020-11-27"
    assert "Välkommen till sammanträdet." in message.get_body(("plain",)).get_content()
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == "bilaga 1.pdf" and attachment.get_content() == "%PDF-1.7 innehåll".encode()


# --- what a retried send-out relies on (platform/dispatch.py) --------------------------------

import pytest  # noqa: E402

from finsam_saas.extensions import db  # noqa: E402
from finsam_saas.platform import mail  # noqa: E402
from finsam_saas.platform.dispatch import Message, Recipient, send_batch  # noqa: E402
from finsam_saas.platform.models import Delivery, Job  # noqa: E402

from support import TENANT_A, in_tenant  # noqa: E402


def test_the_outbox_says_for_certain_whether_a_message_went_out(app):
    outbox = app.config["OUTBOX_DIR"]
    seen_at_handover = []
    with app.app_context():
        message_id = mail.new_message_id()
        assert not mail.outbox_holds(message_id)
        sent = mail.send_mail("ledamot@umea.se", "Kallelse", "Text", message_id=message_id,
                              before_handover=lambda: seen_at_handover.append(list(outbox.glob("*"))))
        assert sent == message_id and mail.outbox_holds(message_id) and mail.confirms_delivery()
        assert not mail.outbox_holds(mail.new_message_id())
    assert seen_at_handover == [[]]  # told just before, when nothing had been written
    files = list(outbox.glob("*"))
    assert len(files) == 1 and files[0].suffix == ".eml"  # written whole: no .part file beside it


def test_a_send_stopped_at_the_handover_leaves_nothing_in_the_outbox(app):
    def dies():
        raise SystemExit("the worker is stopped")

    with app.app_context():
        message_id = mail.new_message_id()
        with pytest.raises(SystemExit):
            mail.send_mail("ledamot@umea.se", "Kallelse", "Text", message_id=message_id, before_handover=dies)
        assert not mail.outbox_holds(message_id)
    assert not list(app.config["OUTBOX_DIR"].glob("*"))


def test_over_smtp_the_handover_is_told_after_the_server_is_connected(app, monkeypatch):
    import smtplib

    steps = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            steps.append(("connect", host, port))

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            steps.append(("quit",))

        def login(self, user, password):
            steps.append(("login", user))

        def send_message(self, message):
            steps.append(("send", message["Message-ID"]))

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config["SMTP_URL"] = "smtp://finsam:hemligt@mail.example:2525"
    with app.app_context():
        message_id = mail.new_message_id()
        mail.send_mail("ledamot@umea.se", "Kallelse", "Text", message_id=message_id,
                       before_handover=lambda: steps.append(("handover",)))
        assert not mail.confirms_delivery()  # SMTP cannot say afterwards whether it arrived
    assert steps == [("connect", "mail.example", 2525), ("login", "finsam"), ("handover",), ("send", message_id),
                     ("quit",)]


PEOPLE = [Recipient("Anna Ek", "anna@umea.demo"), Recipient("Bo Al", "bo@umea.demo"),
          Recipient("Cia Ros", "cia@umea.demo"), Recipient("Dan Ask", "dan@umea.demo")]


def _earlier_run(app, smtp: bool = False):
    """A job whose first run died mid-send-out: Anna's message is in the outbox but was recorded
    only as being handed over, Bo's was being handed over and never written, Cia's prepared."""
    with in_tenant(app, TENANT_A):
        job = Job(kind="x", title="Utskick", state="started", attempts=1)
        db.session.add(job)
        db.session.commit()
        anna_id = mail.send_mail("anna@umea.demo", "Kallelse", "Text")
        for person, state, message_id in ((PEOPLE[0], "sending", anna_id), (PEOPLE[1], "sending", mail.new_message_id()),
                                          (PEOPLE[2], "prepared", mail.new_message_id())):
            db.session.add(Delivery(batch="prov:1", address=person.address, recipient=person.name, state=state,
                                    message_id=message_id, job_id=job.id))
        db.session.commit()
        return job.id


def _to(app) -> list[str]:
    import email as email_lib

    return sorted(email_lib.message_from_bytes(p.read_bytes(), policy=policy.default)["To"]
                  for p in app.config["OUTBOX_DIR"].glob("*.eml"))


def test_a_retried_send_out_continues_its_earlier_run_and_mails_each_once(any_app):
    job_id = _earlier_run(any_app)
    with in_tenant(any_app, TENANT_A):
        job = db.session.get(Job, job_id)
        job.attempts = 2
        result = send_batch(job, "prov:1", PEOPLE, lambda r: Message("Kallelse", "Text"), what="Kallelsen")
        states = {d.address: d.state for d in db.session.scalars(db.select(Delivery))}
    assert (len(result.sent), len(result.already), len(result.uncertain)) == (4, 0, 0)
    assert _to(any_app) == ["anna@umea.demo", "bo@umea.demo", "cia@umea.demo", "dan@umea.demo"]  # Anna once
    assert set(states.values()) == {"sent"}


def test_over_smtp_a_message_left_being_handed_over_is_reported_not_sent_twice(app, monkeypatch):
    job_id = _earlier_run(app)
    handed = []
    monkeypatch.setattr(mail, "_send_smtp", lambda url, message, delay, before: (before(), handed.append(message["To"])))
    app.config["SMTP_URL"] = "smtp://mail.example"
    with in_tenant(app, TENANT_A):
        result = send_batch(db.session.get(Job, job_id), "prov:1", PEOPLE, lambda r: Message("Kallelse", "Text"),
                            what="Kallelsen")
    assert sorted(handed) == ["cia@umea.demo", "dan@umea.demo"]  # at most once for the two left being handed over
    assert [r.name for r in result.uncertain] == ["Anna Ek", "Bo Al"]
    assert any("Bo Al (bo@umea.demo) kan ha fått det" in w for w in result.warnings())
