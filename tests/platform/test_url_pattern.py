"""url_pattern: the URLs of a page's many rows from one url_for."""
from finsam_saas.platform.web import url_pattern


def test_the_pattern_gives_each_rows_url_as_url_for_would(app):
    with app.test_request_context():
        from flask import url_for

        pattern = url_pattern("meetings.vote", "number", tenant="umearegionen", meeting_id=7)
        assert pattern.format(12) == url_for("meetings.vote", tenant="umearegionen", meeting_id=7, number=12)
        # An id equal to the first stand-in does not become a placeholder itself.
        largest = url_pattern("meetings.add_task", "number", tenant="umearegionen", meeting_id=2**31 - 1)
        assert largest.format(3) == url_for("meetings.add_task", tenant="umearegionen", meeting_id=2**31 - 1, number=3)
