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
