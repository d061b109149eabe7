"""What TikTok Shop tells the seller reaches the owner (docs/marketplaces/tiktok.md findings 15 and webhook 7):
the warnings of Create / Edit Product (a field TikTok cleared) show on the shop's listings page, and the
type-7 webhook (the authorisation ends in 30 days) marks the shop and puts a reconnect notice on the shop's
account page; a forged one changes nothing."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace_connectors import sync
from marketplace_connectors.models import (
    AccountStatus,
    ListingBinding,
    ListingStatus,
    MarketplaceAccount,
    SyncAttempt,
)
from sme.catalog.services import ProductInput, VariantInput, product_update

from ...marketplace_sandbox.receiver import PushReceiver
from ..factories import make_product, owner_membership
from .conftest import connect_shop_with_rice_mapped

BRAND = "7082427311584347905"  # in the sandbox's Get Brands list


def add_a_size(product, *, sku: str) -> None:
    """The owner adds a 3 kg bag to the product in the catalog."""
    rows = [VariantInput(id=v.pk, sku=v.sku, price=v.price, option1_value=v.option1_value, stock=v.stock,
                         weight_g=v.weight_g) for v in product.variants.order_by("position")]
    rows.append(VariantInput(sku=sku, price=150_000, option1_value="3 kg", stock=5, weight_g=3000))
    product_update(product=product, data=ProductInput(name=product.name, description=product.description,
                                                      category=product.category, status=product.status,
                                                      option1_name=product.option1_name, key=product.key),
                   variants=rows, actor=None)


@pytest.mark.parametrize("sim_options", [{"audit_seconds": 0}])
def test_a_brand_tiktok_cleared_on_an_edit_is_shown_on_the_listings_page_in_vietnamese(
        tiktok, media, db, client, sim_options, django_capture_on_commit_callbacks):
    # given a product live on TikTok, to which the seller gave a brand in Seller Center that the shop has
    # since lost (no longer in its Get Brands list)
    account = connect_shop_with_rice_mapped(tiktok)
    owner = owner_membership(account.business).user
    product = make_product(account.business, n=51)
    with django_capture_on_commit_callbacks(execute=True):
        sync.sync_run_start(account=account, kind="publish", product_ids=[product.pk])
    listing = ListingBinding.objects.get(account=account, product=product)
    assert listing.status == ListingStatus.LIVE and listing.marketplace_warnings == []
    tiktok.product(listing.external_id).body["brand_id"] = BRAND
    tiktok.brands.discard(BRAND)

    # when the owner adds a size and publishes again (a new SKU: Edit Product, TikTok's copy merged, brand
    # included), and TikTok answers with R-edit's warning that it cleared the brand
    add_a_size(product, sku="GAO-0051-3")
    with django_capture_on_commit_callbacks(execute=True):
        sync.sync_run_start(account=account, kind="publish", product_ids=[product.pk])

    # then the listing is live with the new size, and the owner reads on the shop's listings page, in
    # Vietnamese, what TikTok cleared and TikTok's reason
    listing.refresh_from_db()
    assert listing.status == ListingStatus.LIVE, listing.last_error
    assert tiktok.count(path=f"/product/202309/products/{listing.external_id}", status=200) >= 1
    expected = (f"TikTok Shop đã tự xoá thương hiệu ({BRAND}) khỏi sản phẩm: Brand does not exist. "
                "Nếu cần, hãy đặt lại trong Seller Center của TikTok Shop.")
    assert listing.marketplace_warnings == [expected]
    client.force_login(owner)
    page = client.get(reverse("marketplaces:listing_list", args=[account.pk]), HTTP_ACCEPT_LANGUAGE="vi")
    html = page.content.decode()
    row = html[html.index(f'id="listing-row-{product.pk}"'):]
    row = row[:row.index("</tr>")]
    assert "TikTok Shop đã lưu sản phẩm nhưng có thay đổi:" in row and expected in row
    # and it is in the listing's history (the sync attempt of that push)
    assert expected in SyncAttempt.objects.filter(listing=listing).order_by("pk").last().message

    # when the owner changes only the price (no content written), the warning stays until the next edit
    variant = product.variants.get(sku="GAO-0051-1")
    variant.price = 55_000
    variant.save()
    with django_capture_on_commit_callbacks(execute=True):
        sync.sync_run_start(account=account, kind="publish", product_ids=[product.pk])
    listing.refresh_from_db()
    assert listing.marketplace_warnings == [expected]


@pytest.mark.parametrize("sim_options", [{"audit_seconds": 0}])
def test_a_publish_without_warnings_shows_none(tiktok, media, db, client, sim_options,
                                               django_capture_on_commit_callbacks):
    account = connect_shop_with_rice_mapped(tiktok)
    owner = owner_membership(account.business).user
    product = make_product(account.business, n=52)
    with django_capture_on_commit_callbacks(execute=True):
        sync.sync_run_start(account=account, kind="publish", product_ids=[product.pk])
    client.force_login(owner)
    html = client.get(reverse("marketplaces:listing_list", args=[account.pk])).content.decode()
    assert ListingBinding.objects.get(account=account).status == ListingStatus.LIVE
    assert "mkt-warnings" not in html


def type_7_push(tiktok) -> tuple[bytes, dict[str, str]]:
    """The sandbox's signed type-7 webhook, as it reached a stand-in receiver."""
    receiver = PushReceiver()
    try:
        tiktok.push_url = receiver.url()
        tiktok.warn_authorization_expiry(days=30)
        tiktok.wait_for_deliveries()
        [received] = receiver.received
    finally:
        receiver.stop()
    return received.body, {k: v for k, v in received.headers.items() if k.lower() in ("authorization", "content-type")}


def post_push(client, body: bytes, headers: dict[str, str]):
    return client.post(reverse("marketplaces:push_receive", args=["tiktok"]), data=body,
                       content_type="application/json",
                       **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()
                          if k.lower() != "content-type"})


def test_the_authorisation_expiry_webhook_marks_the_shop_and_the_owner_is_asked_to_reconnect(
        tiktok, db, client, settings):
    settings.MARKETPLACE_PUSH_BASE_URL = "https://sme.example.vn"
    account = connect_shop_with_rice_mapped(tiktok)
    owner = owner_membership(account.business).user
    body, headers = type_7_push(tiktok)

    # when TikTok's signed type-7 webhook arrives
    answer = post_push(client, body, headers)

    # then the shop is marked with the authorisation's end, and keeps working until then
    assert answer.status_code == 200
    account.refresh_from_db()
    assert account.status == AccountStatus.ACTIVE
    assert abs(account.authorization_expires_at - (timezone.now() + dt.timedelta(days=30))) < dt.timedelta(minutes=5)
    # and the owner reads on the shop account page, in Vietnamese, when it ends, with the reconnect button
    client.force_login(owner)
    html = client.get(reverse("marketplaces:account_list"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    notice = html[html.index("mkt-auth-expiring"):]
    notice = notice[:notice.index("</form>")]
    ends = timezone.localtime(account.authorization_expires_at).strftime("%d/%m/%Y")
    assert f"Quyền kết nối của TikTok Shop với shop này hết hạn ngày {ends}" in notice
    assert reverse("marketplaces:connect_start", args=["tiktok"]) in notice and "Kết nối lại shop" in notice

    # when the owner reconnects the shop (a new authorisation), the notice goes
    from marketplace_connectors.services import account_connect_complete
    account_connect_complete(business=account.business, user=owner, marketplace="tiktok",
                             params={"code": tiktok.issue_code()})
    account.refresh_from_db()
    assert account.authorization_expires_at is None
    html = client.get(reverse("marketplaces:account_list")).content.decode()
    assert "mkt-auth-expiring" not in html


def test_a_forged_authorisation_expiry_webhook_changes_nothing(tiktok, db, client, settings):
    settings.MARKETPLACE_PUSH_BASE_URL = "https://sme.example.vn"
    account = connect_shop_with_rice_mapped(tiktok)
    body, headers = type_7_push(tiktok)
    before = list(MarketplaceAccount.objects.values_list("status", "authorization_expires_at", "updated_at"))

    # when the same push arrives altered (another end date) or without its signature
    altered = body.replace(b'"expiration_time":"', b'"expiration_time":"1')
    answers = [post_push(client, altered, headers).status_code, post_push(client, body, {}).status_code]

    # then it is refused and nothing changed: no mark, no notice
    assert answers == [401, 401]
    assert list(MarketplaceAccount.objects.values_list("status", "authorization_expires_at", "updated_at")) == before
    owner = owner_membership(account.business).user
    client.force_login(owner)
    assert "mkt-auth-expiring" not in client.get(reverse("marketplaces:account_list")).content.decode()


def test_the_sellers_deauthorisation_webhook_puts_the_reconnect_notice_on_the_shop_account_page(
        tiktok, db, client, settings):
    settings.MARKETPLACE_PUSH_BASE_URL = "https://sme.example.vn"
    account = connect_shop_with_rice_mapped(tiktok)
    owner = owner_membership(account.business).user
    receiver = PushReceiver()
    try:
        tiktok.push_url = receiver.url()
        tiktok.deauthorize()  # G-wh6: the seller removed the app
        tiktok.wait_for_deliveries()
        [received] = receiver.received
    finally:
        receiver.stop()

    assert post_push(client, received.body, {"Authorization": received.headers["Authorization"]}).status_code == 200

    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_REAUTH
    client.force_login(owner)
    html = client.get(reverse("marketplaces:account_list"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    notice = html[html.index("mkt-needs-reauth"):]
    notice = notice[:notice.index("</form>")]
    assert reverse("marketplaces:connect_start", args=["tiktok"]) in notice and "Kết nối lại shop" in notice
