"""What the owner reads when WooCommerce refuses a product or a photo (issue 17; docs/marketplaces/woocommerce.md
finding 16), the connector against the sandbox shop: a specific message for each refusal the table lists, in
Vietnamese by default, and nothing left half-made on the shop."""

import dataclasses

import pytest
from django.utils import translation

from marketplace_connectors.backends.woocommerce.connector import WooCommerceConnector
from marketplace_connectors.errors import AuthError, PermanentError

from .drafts import simple_draft

pytestmark = pytest.mark.django_db


def exe_draft():
    draft = simple_draft("EXE-1")
    photo = dataclasses.replace(draft.images[0], filename="anh-san-pham.exe", content=b"MZ\x90\x00")
    return dataclasses.replace(draft, images=(photo,))


def test_a_photo_file_wordpress_refuses_is_explained_once_not_retried(woo, creds):
    with pytest.raises(PermanentError) as refused:
        WooCommerceConnector().publish(credentials=creds, draft=exe_draft(), uploaded_images={})
    assert refused.value.code == "woocommerce_rest_upload_sideload_error"
    assert "JPEG, PNG, GIF or WebP" in refused.value.message
    # the 500 WordPress answers for a file type is a refusal: asked once, never retried, no product made
    assert woo.count(path="/wp-json/wp/v2/media", code="rest_upload_sideload_error") == 1
    assert woo.products == {} and woo.media == {}


def test_a_photo_no_longer_in_the_media_library_asks_to_publish_again(woo, creds):
    draft = simple_draft("GONE-IMG")
    with pytest.raises(PermanentError) as refused:
        WooCommerceConnector().publish(credentials=creds, draft=draft, uploaded_images={"img-9": "999999"})
    assert refused.value.code == "woocommerce_woocommerce_product_invalid_image_id"
    assert "no longer in the web shop's media library" in refused.value.message
    assert woo.products == {}


def test_a_key_the_shop_does_not_know_cannot_create_and_the_owner_is_told_what_to_change(woo, creds):
    connector = WooCommerceConnector()
    plan = connector.publish_prepare(credentials=creds, draft=simple_draft("RO-1"), uploaded_images={})
    # the keys are revoked on the shop between preparing and creating: WooCommerce answers the endpoint's
    # permission error (woocommerce_rest_cannot_create, 401) to the now unauthenticated request (S-auth)
    woo.app_passwords.clear()
    stranger = dataclasses.replace(creds, access_token="ck_revoked", refresh_token="cs_revoked")
    with pytest.raises(AuthError) as refused:
        connector.publish_create(credentials=stranger, draft=simple_draft("RO-1"), plan=plan)
    assert refused.value.code == "woocommerce_woocommerce_rest_cannot_create"
    assert "Read/Write" in refused.value.message and "Shop manager" in refused.value.message
    assert woo.products == {}


def test_the_messages_are_vietnamese_for_the_owner(woo, creds):
    with translation.override("vi"), pytest.raises(PermanentError) as refused:
        WooCommerceConnector().publish(credentials=creds, draft=exe_draft(), uploaded_images={})
    assert "Cửa hàng web từ chối tệp ảnh" in refused.value.message
