"""The owner's guidance for photos on a WooCommerce shop (issue 17; docs/marketplaces/woocommerce.md finding
2, M1, M5, M6): WooCommerce's consumer keys cannot upload to WordPress's media library; an Application Password
WordPress no longer accepts there needs replacing; a WordPress user whose role cannot upload files is refused
too. Each says what to do, in Vietnamese, and creates nothing on the shop; a working Application Password
uploads the photos."""

import copy
import dataclasses

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace_connectors.backends.woocommerce.connector import WooCommerceConnector
from marketplace_connectors.errors import PermanentError
from marketplace_connectors.models import CategoryMapping, ListingBinding, ListingStatus

from ..factories import AccountFactory, make_product, owner_membership, rice_category
from .conftest import APP_PASSWORD, CK, CS, USER
from .drafts import png, simple_draft, variable_draft

KEYS_GUIDANCE_VI = "khóa WooCommerce không thể thêm ảnh vào thư viện media của WordPress"
NEW_APP_PASSWORD_VI = "WordPress không chấp nhận Mật khẩu ứng dụng của bạn để thêm ảnh"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("app_passwords_in_use", "refusal"), [(True, "invalid_username"), (False, "rest_cannot_create")])
def test_publishing_with_consumer_keys_tells_the_owner_to_use_an_application_password(
        woo, client, settings, django_capture_on_commit_callbacks, app_passwords_in_use, refusal):
    # given an owner whose web shop is connected with WooCommerce's consumer key and secret; WooCommerce
    # authenticates keys on its own routes only, so the media library answers with WordPress's refusal: an
    # unknown user name where the site has Application Passwords in use, else no user at all (M1)
    if not app_passwords_in_use:
        woo.app_passwords.clear()
    settings.DEFAULT_PLAN = "growth"
    membership = owner_membership(preferred_language="vi")
    account = AccountFactory(business=membership.business, marketplace="woocommerce", external_shop_id=woo.url,
                             shop_name="Web shop", logistics_channel_id="woocommerce")
    account.set_tokens(access_token=CK, refresh_token=CS)
    account.save()
    CategoryMapping.objects.create(account=account, category=rice_category(), external_category_id=woo.leaf_category_id,
                                   attribute_values={})
    product = make_product(membership.business, n=1)
    client.force_login(membership.user)

    # when they publish a product with a photo from the shop page
    with translation.override("vi"), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("marketplaces:listing_publish", args=[account.pk]), {"product": [product.pk]})
    with translation.override("vi"):
        page = client.get(reverse("marketplaces:listing_list", args=[account.pk])).content.decode()

    # then the shop refused the photo as WordPress does, the listing failed with the guidance, shown on the
    # page, and the shop has no product
    assert woo.count(path="/wp-json/wp/v2/media", status=401, code=refusal) == 1
    listing = ListingBinding.objects.get(account=account, product=product)
    assert listing.status == ListingStatus.REJECTED
    assert KEYS_GUIDANCE_VI in listing.last_error and KEYS_GUIDANCE_VI in page
    assert NEW_APP_PASSWORD_VI not in page
    assert woo.products == {} and woo.media == {}


def owner_shop(woo, *, key: str, secret: str):
    """An owner (Vietnamese) whose web shop is connected with ``key``/``secret``, and one product with a photo."""
    membership = owner_membership(preferred_language="vi")
    account = AccountFactory(business=membership.business, marketplace="woocommerce", external_shop_id=woo.url,
                             shop_name="Web shop", logistics_channel_id="woocommerce")
    account.set_tokens(access_token=key, refresh_token=secret)
    account.save()
    CategoryMapping.objects.create(account=account, category=rice_category(), external_category_id=woo.leaf_category_id,
                                   attribute_values={})
    return membership, account, make_product(membership.business, n=1)


def test_publishing_with_an_application_password_uploads_the_photos(woo, client, settings,
                                                                    django_capture_on_commit_callbacks):
    # given an owner whose web shop is connected with their WordPress user name and Application Password (M5)
    settings.DEFAULT_PLAN = "growth"
    membership, account, product = owner_shop(woo, key=USER, secret=APP_PASSWORD)
    client.force_login(membership.user)

    # when they publish the product with its photo from the shop page
    with translation.override("vi"), django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("marketplaces:listing_publish", args=[account.pk]), {"product": [product.pk]})
    with translation.override("vi"):
        page = client.get(reverse("marketplaces:listing_list", args=[account.pk])).content.decode()

    # then the photo is in the shop's media library, the product on the shop shows it, and no guidance is shown
    assert woo.count(path="/wp-json/wp/v2/media", status=201) == 1
    listing = ListingBinding.objects.get(account=account, product=product)
    assert listing.status == ListingStatus.LIVE and listing.last_error == ""
    (attachment_id,) = woo.media
    (shop_product,) = woo.products.values()
    assert [image["id"] for image in shop_product["images"]] == [attachment_id]
    assert list(listing.image_ids.values()) == [str(attachment_id)]
    assert "Mật khẩu ứng dụng" not in page


@pytest.mark.parametrize(("user", "refusal"), [(USER, "incorrect_password"), ("chu-shop-cu", "invalid_username")])
def test_an_application_password_wordpress_refuses_for_photos_asks_for_a_new_one(woo, creds, user, refusal):
    # given a product already on the shop, published with the owner's Application Password
    connector = WooCommerceConnector()
    published = connector.publish(credentials=creds, draft=simple_draft("MTS-AP"), uploaded_images={})
    product_before = copy.deepcopy(woo.products[int(published.external_id)])
    # and the owner has since revoked that Application Password in WordPress (or the user name was mistyped)
    woo.app_passwords[USER] = "NEW0 PASS WORD 0000 1111 2222"
    stale = dataclasses.replace(creds, access_token=user, refresh_token=APP_PASSWORD)

    # when they change the product's photo and it is sent to the shop
    draft = simple_draft("MTS-AP")
    new_photo = dataclasses.replace(draft.images[0], key="img-new", filename="mut-sen-moi.png",
                                    content=png((10, 10, 200)))
    with translation.override("vi"), pytest.raises(PermanentError) as refused:
        connector.update(credentials=stale, external_id=published.external_id,
                         draft=dataclasses.replace(draft, images=(new_photo,)),
                         variant_ids_by_sku=published.variant_ids_by_sku, uploaded_images={})

    # then WordPress refused the photo as it refuses an Application Password (U-apppw), and the owner is told,
    # in Vietnamese, to create a new Application Password and reconnect, not to give up consumer keys
    assert woo.count(path="/wp-json/wp/v2/media", status=401, code=refusal) == 1
    assert refused.value.code == "media_app_password_refused"
    assert NEW_APP_PASSWORD_VI in refused.value.message
    assert "Thành viên → Hồ sơ → Mật khẩu ứng dụng" in refused.value.message
    assert KEYS_GUIDANCE_VI not in refused.value.message
    # and nothing changed on the shop
    assert len(woo.media) == 1
    assert woo.products[int(published.external_id)] == product_before


def test_a_wordpress_user_who_cannot_upload_files_is_told_which_role_can(woo, creds):
    woo.users_without_upload.add(USER)
    with pytest.raises(PermanentError) as refused:
        WooCommerceConnector().publish(credentials=creds, draft=variable_draft(), uploaded_images={})
    assert refused.value.code == "media_upload_refused" and "Shop manager" in refused.value.message
    assert woo.products == {}
