"""The owner's guidance for photos on a WooCommerce shop (issue 17; docs/marketplaces/woocommerce.md finding
2): WooCommerce's consumer keys cannot upload to WordPress's media library, and a WordPress user whose role
cannot upload files is refused too. Publishing from the shop page says what to do, in Vietnamese, and creates
nothing on the shop."""

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace_connectors.backends.woocommerce.connector import WooCommerceConnector
from marketplace_connectors.errors import PermanentError
from marketplace_connectors.models import CategoryMapping, ListingBinding, ListingStatus

from ..factories import AccountFactory, make_product, owner_membership, rice_category
from .conftest import CK, CS, USER
from .drafts import variable_draft

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
    assert "Mật khẩu ứng dụng" in listing.last_error and "Mật khẩu ứng dụng" in page
    assert woo.products == {} and woo.media == {}


def test_a_wordpress_user_who_cannot_upload_files_is_told_which_role_can(woo, creds):
    woo.users_without_upload.add(USER)
    with pytest.raises(PermanentError) as refused:
        WooCommerceConnector().publish(credentials=creds, draft=variable_draft(), uploaded_images={})
    assert refused.value.code == "media_upload_refused" and "Shop manager" in refused.value.message
    assert woo.products == {}
