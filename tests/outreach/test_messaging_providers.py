"""The providers' clients against the sandbox providers: what an officer's campaign relies on (a message
accepted, a refusal it can show, a retry that does not send twice), and nothing requested when the message
cannot be sent."""

import pytest

from outreach.messaging import (
    AmbiguousSendError,
    PermanentSendError,
    ProviderNotConfigured,
    RetryableSendError,
    provider_for,
)

PARAMS = {"business_name": "Cơ sở Bánh pía Tân Huê Viên", "ward": "Phường Cao Lãnh",
          "link": "https://sme.example.vn/moi/abc", "opt_out": "https://sme.example.vn/tu-choi/abc"}
SMS_TEXT = "Sở Công Thương Đồng Tháp mời cơ sở đăng ký bán hàng trực tuyến: https://sme.example.vn/m/1"


def test_zalo_sends_the_invitation_template_to_the_number_in_zalos_form(zns):
    # when: the number as the register holds it
    result = provider_for("zalo").send(phone="0901 234 567", tracking_id="camp7-msg42", params=PARAMS)
    # then
    [sent] = zns.sent
    assert sent.phone == "84901234567"
    assert sent.template_id == "412345" and sent.params == PARAMS and sent.tracking_id == "camp7-msg42"
    assert (result.provider, result.provider_message_id, result.phone, result.duplicate) == (
        "zalo_zns", sent.provider_message_id, "84901234567", False)


def test_zalo_refusal_is_permanent_with_zalos_code_and_words(zns):
    # given a template the Official Account does not have
    with pytest.raises(PermanentSendError) as refused:
        provider_for("zalo").send(phone="0901234567", tracking_id="t1", template_id="999", params=PARAMS)
    # then
    assert refused.value.code == "-109"
    assert "Template ID invalid" in refused.value.message
    assert zns.sent == []


def test_zalo_unknown_error_is_retryable_and_a_retry_sends_once(zns):
    zns.unknown_errors = 1
    provider = provider_for("zalo")
    with pytest.raises(RetryableSendError) as busy:
        provider.send(phone="0901234567", tracking_id="t2", params=PARAMS)
    assert busy.value.code == "-100" and not isinstance(busy.value, AmbiguousSendError)
    provider.send(phone="0901234567", tracking_id="t2", params=PARAMS)
    assert len(zns.sent) == 1


def test_zalo_http_503_is_retryable(zns):
    zns.set_faults(status_5xx=1)
    with pytest.raises(RetryableSendError) as busy:
        provider_for("zalo").send(phone="0901234567", tracking_id="t3", params=PARAMS)
    assert busy.value.code == "http_503"
    assert zns.sent == []


def test_zalo_no_answer_after_acting_is_ambiguous(zns, settings):
    # given the provider acts, then holds its answer longer than the read timeout
    settings.MARKETPLACE_HTTP_TIMEOUTS = (2.0, 0.3)
    zns.set_faults(timeouts=1, hang_seconds=1.0)
    # when / then
    with pytest.raises(AmbiguousSendError):
        provider_for("zalo").send(phone="0901234567", tracking_id="t4", params=PARAMS)
    assert len(zns.sent) == 1  # why the caller must not simply resend: it was sent


@pytest.mark.parametrize(("phone", "code"), [
    ("0277 3851 234", "phone_invalid"),  # a landline cannot get Zalo/SMS messages here
    ("+1 202 555 0143", "phone_invalid"),
    ("09012", "phone_invalid"),
    ("", "phone_invalid"),
])
def test_a_number_that_is_not_a_vietnamese_mobile_is_refused_before_any_request(zns, phone, code):
    with pytest.raises(PermanentSendError) as refused:
        provider_for("zalo").send(phone=phone, tracking_id="t5", params=PARAMS)
    assert refused.value.code == code
    assert zns.calls == []


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"text": "free text"}, "text_unsupported"),
    ({"params": {}}, "template_data_empty"),
    ({"params": PARAMS, "tracking_id": "has space"}, "tracking_id_invalid"),
    ({"params": PARAMS, "tracking_id": "x" * 49}, "tracking_id_invalid"),
])
def test_zalo_refuses_what_zns_does_not_take_without_a_request(zns, kwargs, code):
    with pytest.raises(PermanentSendError) as refused:
        provider_for("zalo").send(**{"phone": "0901234567", "tracking_id": "t6", **kwargs})
    assert refused.value.code == code
    assert zns.calls == []


def test_an_unconfigured_channel_says_so_and_sends_nothing(settings):
    settings.OUTREACH_ZALO_ZNS_ACCESS_TOKEN = ""
    settings.OUTREACH_ESMS_API_KEY = ""
    assert provider_for("zalo").configured is False and provider_for("sms").configured is False
    with pytest.raises(ProviderNotConfigured):
        provider_for("zalo").send(phone="0901234567", tracking_id="t7", params=PARAMS)
    with pytest.raises(ProviderNotConfigured):
        provider_for("sms").send(phone="0901234567", tracking_id="t7", text=SMS_TEXT)


def test_an_unknown_channel_is_an_error():
    with pytest.raises(ValueError, match="unknown messaging channel"):
        provider_for("fax")


def test_sms_sends_unicode_text_under_the_brandname_to_the_national_number(esms):
    # when
    result = provider_for("sms").send(phone="+84 90 123 4567", tracking_id="camp7-msg43", text=SMS_TEXT)
    # then
    [sent] = esms.sent
    assert (sent.phone, sent.text, sent.tracking_id) == ("0901234567", SMS_TEXT, "camp7-msg43")
    assert (result.provider, result.provider_message_id, result.duplicate) == ("esms", sent.provider_message_id, False)
    [call] = esms.calls
    assert call.status == 200


def test_sms_retry_of_an_accepted_message_is_recognised_and_not_sent_again(esms):
    # given a message eSMS accepted (the worker died before recording it)
    provider = provider_for("sms")
    provider.send(phone="0901234567", tracking_id="camp7-msg44", text=SMS_TEXT)
    # when the task retries it
    again = provider.send(phone="0901234567", tracking_id="camp7-msg44", text=SMS_TEXT)
    # then
    assert again.duplicate is True
    assert len(esms.sent) == 1
    assert provider.deduplicates is True


@pytest.mark.parametrize(("setting", "value", "code"), [
    ("OUTREACH_ESMS_SECRET_KEY", "wrong", "101"),
    ("OUTREACH_ESMS_BRANDNAME", "NOBODY", "104"),
])
def test_sms_account_refusals_are_permanent_with_esms_codes(esms, settings, setting, value, code):
    setattr(settings, setting, value)
    with pytest.raises(PermanentSendError) as refused:
        provider_for("sms").send(phone="0901234567", tracking_id="t8", text=SMS_TEXT)
    assert refused.value.code == code
    assert esms.sent == []


def test_sms_out_of_balance_is_permanent(esms):
    esms.balance = 0
    with pytest.raises(PermanentSendError) as refused:
        provider_for("sms").send(phone="0901234567", tracking_id="t9", text=SMS_TEXT)
    assert refused.value.code == "103"


def test_sms_http_429_is_retryable(esms):
    esms.set_faults(status_429=1)
    with pytest.raises(RetryableSendError) as busy:
        provider_for("sms").send(phone="0901234567", tracking_id="t10", text=SMS_TEXT)
    assert busy.value.code == "http_429"
    assert esms.sent == []


@pytest.mark.parametrize(("kwargs", "code"), [
    ({"text": ""}, "text_invalid"),
    ({"text": "x" * 613}, "text_invalid"),
    ({"text": SMS_TEXT, "template_id": "412345"}, "template_unsupported"),
    ({"text": SMS_TEXT, "phone": "0277 3851 234"}, "phone_invalid"),
])
def test_sms_refuses_what_it_cannot_send_without_a_request(esms, kwargs, code):
    with pytest.raises(PermanentSendError) as refused:
        provider_for("sms").send(**{"phone": "0901234567", "tracking_id": "t11", **kwargs})
    assert refused.value.code == code
    assert esms.calls == []


def test_a_provider_address_that_is_not_public_https_is_refused_outside_tests(settings):
    # given production's rule: no loopback
    settings.MARKETPLACE_HTTP_ALLOW_LOOPBACK = False
    settings.OUTREACH_ESMS_API_URL = "http://127.0.0.1:9"
    settings.OUTREACH_ESMS_API_KEY, settings.OUTREACH_ESMS_SECRET_KEY = "k", "s"
    settings.OUTREACH_ESMS_BRANDNAME = "DONGTHAP"
    with pytest.raises(ProviderNotConfigured) as refused:
        provider_for("sms").send(phone="0901234567", tracking_id="t12", text=SMS_TEXT)
    assert refused.value.code == "address_refused"
