"""Swedish formats as the seed papers write them."""
from datetime import date, datetime, time, timezone

from finsam_saas.platform.formatting import kronor, percent, sv_date, sv_date_long, sv_datetime, sv_time, sv_weekday, tkr


def test_tkr_rounds_and_groups_with_a_space():
    assert tkr(11_489_000) == "11 489"
    assert tkr(584_700) == "585"
    assert tkr(-1_146_000) == "-1 146"
    assert tkr(500) == "1" and tkr(499) == "0"
    assert tkr(None) == "–"


def test_kronor_and_percent():
    assert kronor(5_847_000) == "5 847 000"
    assert percent(82.9) == "82,9 %"
    assert percent(None) == "–"


def test_dates_and_times():
    assert sv_date(date(2020, 10, 30)) == "2020-10-30"
    assert sv_date("2020-10-30") == "2020-10-30"
    assert sv_date_long(date(2020, 10, 30)) == "30 oktober 2020"
    assert sv_weekday(date(2022, 3, 24)) == "torsdag"
    assert sv_time(time(8, 30)) == "08.30"
    # UTC 07:30 in winter is 08.30 in Stockholm
    assert sv_datetime(datetime(2020, 10, 30, 7, 30, tzinfo=timezone.utc)) == "2020-10-30 08.30"


def test_times_are_read_as_people_type_them(app):
    import pytest
    from datetime import time as clock_time

    from finsam_saas.platform import formdata
    from finsam_saas.platform.rules import InvalidInput

    for typed, read in (("08.30", clock_time(8, 30)), ("8.30", clock_time(8, 30)), ("08:30", clock_time(8, 30)),
                        ("0830", clock_time(8, 30)), ("9", clock_time(9, 0))):
        with app.test_request_context(method="POST", data={"start": typed}):
            assert formdata.time_field("start", "starttid") == read, typed
    with app.test_request_context(method="POST", data={"start": "25.00"}):
        with pytest.raises(InvalidInput, match='Starttid ska skrivas som 08.30, inte "25.00"'):
            formdata.time_field("start", "starttid")
