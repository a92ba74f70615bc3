"""The röstlängd in the API: every member förbund may read who its fellow förbund send, but an
ombud's e-mail address only NNS's kansli and the ombud's own förbund see (issue 18)."""
from support import ApiClient, NNS

from nns_support import add_forbund, meeting_with_roll, nns_api


def test_an_ombuds_email_is_shown_to_nns_kansli_and_her_own_forbund_only(any_app):
    ombud = add_forbund(any_app, 2)
    meeting_id = meeting_with_roll(any_app, ombud)
    secretary = nns_api(any_app).get(f"/meetings/{meeting_id}/roll").json["ombud"]
    assert {o["member"]: o["email"] for o in secretary} == dict(ombud)

    (first, first_email), (second, second_email) = ombud
    as_first = ApiClient(any_app, first_email, NNS).get(f"/meetings/{meeting_id}/roll")
    assert as_first.status_code == 200
    seen = {o["member"]: o["email"] for o in as_first.json["ombud"]}
    assert seen == {first: first_email, second: None}
    assert second_email not in as_first.get_data(as_text=True)
