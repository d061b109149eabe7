"""The Zalo Official Account's access token expires (about 25 hours) and is refreshed with the single-use
refresh token through Zalo's OAuth v4 token endpoint, against the sandbox: on expiry and on ZNS's "access
token invalid", stored encrypted, one refresh at a time, and an operator's error when Zalo refuses it."""

import datetime
import threading

import pytest
from django.db import connection
from django.utils import timezone

from marketplace_connectors.crypto import token_decrypt
from messaging_sandbox.zalo import SANDBOX_ACCESS_TOKEN, SANDBOX_REFRESH_TOKEN, TOKEN_PATH
from messaging_sandbox.zalo import SEND_PATH as ZNS_PATH
from outreach.messaging import ProviderNotConfigured, RetryableSendError, provider_for
from outreach.messaging.zalo import ZaloZnsProvider
from outreach.messaging.zalo_tokens import StoredZaloTokens
from outreach.models import ZaloOaToken

PARAMS = {"business_name": "Cơ sở Bánh pía Tân Huê Viên", "ward": "Phường Cao Lãnh",
          "link": "https://sme.example.vn/moi/abc", "opt_out": "https://sme.example.vn/tu-choi/abc"}


def send(tracking_id: str, provider=None):
    return (provider or provider_for("zalo")).send(phone="0901234567", tracking_id=tracking_id, params=PARAMS)


def test_an_access_token_zalo_says_expired_is_refreshed_once_stored_encrypted_and_the_message_sent(zns):
    # given: the first token pair works
    send("m1")
    assert zns.refreshes == []
    # when: 25 hours later, Zalo answers -124 to that token
    zns.expire_access_tokens()
    result = send("m2")

    # then: one refresh, the message sent once with the new token
    [granted] = zns.refreshes
    assert [m.tracking_id for m in zns.sent] == ["m1", "m2"] and result.provider_message_id == zns.sent[1].provider_message_id
    assert zns.count(path=ZNS_PATH, code="-124") == 1 and zns.count(path=TOKEN_PATH) == 1
    # stored encrypted: the new pair, not in clear, and the refresh token the one Zalo issued with it
    row = ZaloOaToken.objects.get()
    assert granted not in row.access_token_encrypted and token_decrypt(row.access_token_encrypted) == granted
    [next_refresh] = zns.refresh_tokens
    assert next_refresh not in row.refresh_token_encrypted
    assert token_decrypt(row.refresh_token_encrypted) == next_refresh != SANDBOX_REFRESH_TOKEN
    assert row.generation == 1 and row.refreshing_since is None and row.error_code == ""
    lifetime = (row.access_expires_at - row.refreshed_at).total_seconds()
    assert lifetime == 90000


def test_the_next_process_uses_the_stored_pair_and_refreshes_with_the_new_refresh_token(zns):
    # given: one process refreshed (the environment's refresh token is spent)
    zns.expire_access_tokens()
    send("m1")
    # when: another process (a new provider) sends, then the token expires again
    send("m2")
    zns.expire_access_tokens()
    send("m3")
    # then: the second refresh used the refresh token of the first grant (Zalo takes each once)
    assert len(zns.refreshes) == 2 and len(zns.sent) == 3
    assert zns.count(path=TOKEN_PATH, code="-14020") == 0
    assert ZaloOaToken.objects.get().generation == 2


def test_a_token_about_to_expire_is_refreshed_before_the_request(zns):
    # given: the stored token expires in two minutes
    send("m1")
    ZaloOaToken.objects.update(access_expires_at=timezone.now() + datetime.timedelta(minutes=2))
    # when
    send("m2")
    # then: refreshed first, so ZNS never saw a refused token
    assert len(zns.refreshes) == 1 and zns.count(path=ZNS_PATH, code="-124") == 0 and len(zns.sent) == 2


def test_a_refresh_token_zalo_refuses_is_an_operators_error_and_nothing_is_sent(zns):
    # given: the refresh token was revoked (the OA admin removed the app's permission)
    zns.expire_access_tokens()
    zns.refresh_tokens.clear()
    # when
    with pytest.raises(ProviderNotConfigured) as refused:
        send("m1")
    # then: said in the officer's words, recorded for the operator, nothing sent, the claim released
    assert refused.value.code == "token_-14020" and "cấp quyền lại" in refused.value.message
    assert zns.sent == [] and zns.refreshes == []
    row = ZaloOaToken.objects.get()
    assert row.error_code == "token_-14020" and row.refreshing_since is None and row.generation == 0


def test_zalo_oauth_unreachable_is_retryable_and_the_next_try_refreshes(zns):
    # given: the stored token has expired; Zalo's token endpoint answers 503 once
    send("m1")
    ZaloOaToken.objects.update(access_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    zns.set_faults(status_5xx=1)
    # when / then
    with pytest.raises(RetryableSendError) as busy:
        send("m2")
    assert busy.value.code == "token_http_503" and len(zns.sent) == 1
    assert ZaloOaToken.objects.get().refreshing_since is None
    send("m2")
    assert len(zns.refreshes) == 1 and [m.tracking_id for m in zns.sent] == ["m1", "m2"]


def test_while_another_process_refreshes_none_is_started_and_the_message_waits(zns):
    # given: another worker claimed the refresh a moment ago; the stored token has expired
    send("m1")
    ZaloOaToken.objects.update(refreshing_since=timezone.now(),
                               access_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    provider = ZaloZnsProvider(tokens=StoredZaloTokens(wait_seconds=0.3), refreshable=True)
    # when / then: no second refresh; the message is retryable (nothing sent)
    with pytest.raises(RetryableSendError) as waiting:
        send("m2", provider)
    assert waiting.value.code == "token_refreshing"
    assert zns.refreshes == [] and len(zns.sent) == 1
    # a claim left by a process that died is taken over
    ZaloOaToken.objects.update(refreshing_since=timezone.now() - datetime.timedelta(minutes=10))
    send("m2", provider)
    assert len(zns.refreshes) == 1 and len(zns.sent) == 2


def test_a_new_refresh_token_in_the_environment_restarts_the_store(zns, settings):
    # given: the pair was refreshed, then the refresh token was lost and an operator re-authorized the app
    zns.expire_access_tokens()
    send("m1")
    zns.refresh_tokens["operator-new-refresh-token"] = zns.now() + 3600
    settings.OUTREACH_ZALO_ZNS_REFRESH_TOKEN = "operator-new-refresh-token"
    settings.OUTREACH_ZALO_ZNS_ACCESS_TOKEN = ""
    # when
    send("m2")
    # then: the new refresh token was used, once
    assert "operator-new-refresh-token" not in zns.refresh_tokens and len(zns.refreshes) == 2
    assert len(zns.sent) == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_finding_the_token_expired_refresh_it_once(zns):
    # given: the stored token has expired
    send("m0")
    ZaloOaToken.objects.update(access_expires_at=timezone.now() - datetime.timedelta(seconds=1))
    errors, start = [], threading.Barrier(2)

    def worker(tracking_id: str) -> None:
        try:
            start.wait()
            send(tracking_id)
        except Exception as exc:  # noqa: BLE001 - reported to the test thread
            errors.append(exc)
        finally:
            connection.close()

    # when: two workers send at the same moment
    threads = [threading.Thread(target=worker, args=(f"m{n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    # then: one refresh, both messages sent, no refresh token spent twice
    assert errors == []
    assert len(zns.refreshes) == 1 and zns.count(path=TOKEN_PATH, code="-14020") == 0
    assert sorted(m.tracking_id for m in zns.sent) == ["m0", "m1", "m2"]
    assert SANDBOX_ACCESS_TOKEN not in zns.refreshes
