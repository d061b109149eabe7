"""The sandbox providers enforce what docs/outreach/providers.md records (rule ids Z-... and E-...), spoken to
over HTTP as the provider's own clients would, not through our client."""

import pytest
import requests

from messaging_sandbox.esms import SANDBOX_API_KEY, SANDBOX_BRANDNAME, SANDBOX_SECRET_KEY
from messaging_sandbox.esms import SEND_PATH as ESMS_PATH
from messaging_sandbox.esms import STATUS_PATH as ESMS_STATUS_PATH
from messaging_sandbox.sandbox import esms_sandbox, zalo_sandbox
from messaging_sandbox.zalo import (
    SANDBOX_ACCESS_TOKEN,
    SANDBOX_APP_ID,
    SANDBOX_APP_SECRET_KEY,
    SANDBOX_REFRESH_TOKEN,
    TOKEN_PATH,
)
from messaging_sandbox.zalo import SEND_PATH as ZNS_PATH

TEMPLATE = {"412345": frozenset({"business_name", "link"})}


@pytest.fixture
def zns():
    sandbox = zalo_sandbox(templates=TEMPLATE)
    yield sandbox.simulator
    sandbox.simulator.stop()


@pytest.fixture
def esms():
    sandbox = esms_sandbox(templates=("DONGTHAP moi {P1} dang ky ban hang truc tuyen: {P2}",), blocked=("0912000999",))
    yield sandbox.simulator
    sandbox.simulator.stop()


def zns_post(sim, body, token=SANDBOX_ACCESS_TOKEN):
    headers = {"access_token": token} if token is not None else {}
    return requests.post(sim.url + ZNS_PATH, json=body, headers=headers, timeout=5)


def zns_body(**changes):
    body = {"phone": "84901234567", "template_id": "412345",
            "template_data": {"business_name": "Cơ sở Bánh pía Tân Huê Viên", "link": "https://sme.example.vn/moi/abc"},
            "tracking_id": "msg-1"}
    return {**body, **changes}


def test_zns_accepts_a_template_message_and_records_it_instead_of_sending(zns):
    # when (Z-send, Z-answer)
    answer = zns_post(zns, zns_body())
    # then
    assert answer.status_code == 200
    payload = answer.json()
    assert payload["error"] == 0 and payload["message"] == "Success"
    assert payload["data"]["msg_id"]
    [sent] = zns.sent
    assert (sent.phone, sent.template_id, sent.tracking_id) == ("84901234567", "412345", "msg-1")
    assert sent.params["business_name"] == "Cơ sở Bánh pía Tân Huê Viên"
    assert sent.provider_message_id == payload["data"]["msg_id"]


@pytest.mark.parametrize("phone", ["84901234567", "0901234567", "901234567"])
def test_zns_takes_the_three_phone_forms_of_its_error_table(zns, phone):
    assert zns_post(zns, zns_body(phone=phone)).json()["error"] == 0  # Z-phone


@pytest.mark.parametrize(("changes", "token", "error", "message"), [
    ({"phone": "+84901234567"}, SANDBOX_ACCESS_TOKEN, -108, "Phone number invalid"),
    ({"phone": "02773851234"}, SANDBOX_ACCESS_TOKEN, -108, "Phone number invalid"),
    ({"template_id": "999"}, SANDBOX_ACCESS_TOKEN, -109, "Template ID invalid"),
    ({"template_data": {}}, SANDBOX_ACCESS_TOKEN, -111, "Template data empty"),
    ({"template_data": {"business_name": "X"}}, SANDBOX_ACCESS_TOKEN, -112, "Template data invalid"),
    ({"template_data": {"business_name": "X", "link": "y", "extra": "z"}}, SANDBOX_ACCESS_TOKEN, -112,
     "Template data invalid"),
    ({}, None, -124, "Access token invalid"),
    ({}, "someone-elses-token", -124, "Access token invalid"),
])
def test_zns_refuses_with_its_documented_errors_and_records_nothing(zns, changes, token, error, message):
    # when (Z-errors, Z-token)
    answer = zns_post(zns, zns_body(**changes), token=token)
    # then
    assert answer.status_code == 200
    assert answer.json() == {"error": error, "message": message}
    assert zns.sent == []


def test_zns_answers_another_method_method_unsupported(zns):
    answer = requests.get(zns.url + ZNS_PATH, headers={"access_token": SANDBOX_ACCESS_TOKEN}, timeout=5)
    assert answer.json() == {"error": -106, "message": "Method unsupported"}


def test_zns_unknown_error_hook_answers_minus_100_then_recovers(zns):
    # given (Z-errors: -100, to be retried)
    zns.unknown_errors = 1
    # when
    first, second = zns_post(zns, zns_body()), zns_post(zns, zns_body())
    # then
    assert first.json() == {"error": -100, "message": "Unknown error"}
    assert second.json()["error"] == 0
    assert len(zns.sent) == 1


def test_zns_page_lists_what_was_recorded_in_vietnamese_and_english(zns):
    # given
    zns_post(zns, zns_body())
    # when
    vi = requests.get(zns.url + "/sandbox/sent", timeout=5)
    en = requests.get(zns.url + "/sandbox/sent?lang=en", timeout=5)
    # then
    assert vi.status_code == 200 and vi.headers["Content-Type"].startswith("text/html")
    assert "Tin đã ghi nhận (1)" in vi.text and "84901234567" in vi.text
    assert "Cơ sở Bánh pía Tân Huê Viên" in vi.text and "msg-1" in vi.text
    assert "Recorded messages (1)" in en.text


def esms_post(sim, **changes):
    body = {"ApiKey": "SANDBOXESMSAPIKEY", "SecretKey": "sandbox-esms-secret-not-a-secret", "Phone": "0901234567",
            "Content": "DONGTHAP moi Co so Sen Thap Muoi dang ky ban hang truc tuyen: https://sme.example.vn/m/1",
            "Brandname": "DONGTHAP", "SmsType": "2", "IsUnicode": "0", "RequestId": "sms-1"}
    return requests.post(sim.url + ESMS_PATH, json={**body, **changes}, timeout=5)


def test_esms_accepts_a_customer_care_sms_and_records_it(esms):
    # when (E-send, E-answer)
    answer = esms_post(esms)
    # then
    payload = answer.json()
    assert answer.status_code == 200 and payload["CodeResult"] == "100" and payload["SMSID"]
    [sent] = esms.sent
    assert (sent.phone, sent.tracking_id, sent.provider_message_id) == ("0901234567", "sms-1", payload["SMSID"])


def test_esms_refuses_a_repeated_request_id_and_sends_nothing_more(esms):
    # given (E-dedupe)
    assert esms_post(esms).json()["CodeResult"] == "100"
    # when
    again = esms_post(esms)
    # then
    assert again.json()["CodeResult"] == "124"
    assert again.json()["ErrorMessage"] == "Duplicate RequestId."
    assert len(esms.sent) == 1


@pytest.mark.parametrize(("changes", "code"), [
    ({"SecretKey": "wrong"}, "101"),
    ({"ApiKey": ""}, "101"),
    ({"Brandname": "OTHER"}, "104"),
    ({"SmsType": "1"}, "118"),
    ({"Phone": "+84901234567"}, "108"),
    ({"Phone": "090123"}, "108"),
    ({"Phone": "0912000999"}, "99"),
    ({"Content": "Khuyen mai lon hom nay"}, "146"),
])
def test_esms_refuses_with_its_documented_codes_and_records_nothing(esms, changes, code):
    # when (E-errors, E-template)
    answer = esms_post(esms, **changes)
    # then
    assert answer.status_code == 200
    assert answer.json()["CodeResult"] == code
    assert answer.json()["ErrorMessage"]
    assert esms.sent == []


def test_esms_without_balance_answers_103(esms):
    esms.balance = 0
    assert esms_post(esms).json()["CodeResult"] == "103"
    assert esms.sent == []


def test_esms_sandbox_flag_checks_the_request_without_recording_it(esms):
    # E-send: Sandbox "1" is checked, neither charged nor sent
    assert esms_post(esms, Sandbox="1").json()["CodeResult"] == "100"
    assert esms_post(esms, Sandbox="1", SecretKey="wrong").json()["CodeResult"] == "101"
    assert esms.sent == []


def test_esms_page_lists_what_was_recorded(esms):
    esms_post(esms)
    page = requests.get(esms.url + "/sandbox/sent", timeout=5)
    assert "Tin đã ghi nhận (1)" in page.text and "0901234567" in page.text and "sms-1" in page.text


def test_the_recorded_messages_page_shows_content_as_text_not_markup(zns):
    # given a template value carrying markup
    zns_post(zns, zns_body(template_data={"business_name": "<script>alert(1)</script>", "link": "x"}))
    # when
    page = requests.get(zns.url + "/sandbox/sent", timeout=5).text
    # then
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# --- Zalo OAuth v4 token endpoint (Z-refresh, Z-token-life) -------------------------------------------------


def zalo_refresh(sim, refresh_token=None, *, app_id=None, secret_key=None, grant_type="refresh_token"):
    return requests.post(sim.url + TOKEN_PATH, headers={"secret_key": secret_key or SANDBOX_APP_SECRET_KEY},
                         data={"refresh_token": refresh_token or SANDBOX_REFRESH_TOKEN,
                               "app_id": app_id or SANDBOX_APP_ID, "grant_type": grant_type}, timeout=5)


def test_zalo_token_endpoint_trades_a_refresh_token_once_for_a_new_pair(zns):
    # when
    answer = zalo_refresh(zns)
    again = zalo_refresh(zns)  # the same refresh token a second time

    # then: a new access token that sends, the next refresh token, the lifetime as Zalo writes it
    assert answer.status_code == 200
    grant = answer.json()
    assert set(grant) == {"access_token", "refresh_token", "expires_in"} and grant["expires_in"] == "90000"
    assert zns_post(zns, zns_body(), token=grant["access_token"]).json()["error"] == 0
    assert again.status_code == 200 and again.json()["error"] == -14020  # single-use
    assert set(again.json()) == {"error", "error_name", "error_description"}
    # the next refresh token works, once
    assert "access_token" in zalo_refresh(zns, grant["refresh_token"]).json()
    assert zalo_refresh(zns, grant["refresh_token"]).json()["error"] == -14020
    assert len(zns.refreshes) == 2


@pytest.mark.parametrize(("changes", "error"), [
    ({"secret_key": "wrong"}, -14002), ({"app_id": "42"}, -14002), ({"grant_type": "authorization_code"}, -14004),
    ({"refresh_token": "never-issued"}, -14020),
])
def test_zalo_token_endpoint_refuses_and_grants_nothing(zns, changes, error):
    answer = zalo_refresh(zns, **changes)
    assert answer.status_code == 200 and answer.json()["error"] == error and "access_token" not in answer.json()
    assert zns.refreshes == []
    # a refusal for the wrong app did not spend the refresh token
    if "refresh_token" not in changes:
        assert "access_token" in zalo_refresh(zns).json()


def test_zalo_access_token_expires_after_its_lifetime_and_refresh_token_after_three_months(zns):
    # given
    assert zns_post(zns, zns_body()).json()["error"] == 0
    # when: 25 hours pass
    zns.advance(90000)
    # then
    assert zns_post(zns, zns_body()).json()["error"] == -124
    # and a refresh token older than three months is refused
    zns.advance(90 * 24 * 3600)
    assert zalo_refresh(zns).json()["error"] == -14020


# --- eSMS delivery status (E-status) ----------------------------------------------------------------------


def esms_status(sim, sms_id, api_key=SANDBOX_API_KEY):
    return requests.get(sim.url + ESMS_STATUS_PATH, params={"RefId": sms_id, "ApiKey": api_key,
                                                           "SecretKey": SANDBOX_SECRET_KEY}, timeout=5)


def esms_send(sim, phone="0901234567"):
    body = {"ApiKey": SANDBOX_API_KEY, "SecretKey": SANDBOX_SECRET_KEY, "Phone": phone, "SmsType": "2",
            "Brandname": SANDBOX_BRANDNAME, "Content": "DONGTHAP moi Co so A dang ky ban hang truc tuyen: x",
            "RequestId": f"r-{phone}"}
    return requests.post(sim.url + ESMS_PATH, json=body, timeout=5).json()["SMSID"]


def test_esms_status_reports_a_delivered_and_an_undelivered_message(esms):
    # given
    esms.undelivered.add("0912345678")
    delivered, failed = esms_send(esms), esms_send(esms, "0912345678")
    # when
    ok, ko = esms_status(esms, delivered).json(), esms_status(esms, failed).json()
    # then: the documented fields
    assert ok == {"CodeResponse": "100", "SMSID": delivered, "SendFailed": 0, "SendStatus": 5, "SendSuccess": 1,
                  "TotalPrice": 850, "TotalReceiver": 1, "TotalSent": 1}
    assert (ko["SendStatus"], ko["SendSuccess"], ko["SendFailed"]) == (5, 0, 1)


def test_esms_status_waiting_for_the_telco_wrong_keys_and_unknown_ids(esms):
    sms_id = esms_send(esms)
    esms.reports_pending = True
    assert esms_status(esms, sms_id).json()["SendStatus"] == 7
    assert esms_status(esms, sms_id, api_key="WRONG").json() == {"CodeResponse": "101", "SMSID": sms_id}
    assert esms_status(esms, "unknown").status_code == 400
    esms.advance(8 * 24 * 3600)  # eSMS keeps the last 7 days
    assert esms_status(esms, sms_id).status_code == 400
