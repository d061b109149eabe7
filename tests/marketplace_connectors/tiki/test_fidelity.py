"""The Tiki connector against the stricter sandbox (docs/marketplaces/tiki.md findings 1-3): stock goes to the
selling warehouse, never the returns one; a paused connection (HTTP 200, a message, no data) is a failure the
owner sees, never a success; order lines are matched by Tiki's product id through the listing's bindings first,
so an empty seller code still takes the stock."""

import pytest
from django.urls import reverse

from marketplace_connectors import sync
from marketplace_connectors.backends.tiki.client import IntegrationPaused
from marketplace_connectors.base import Credentials, PriceStockUpdate
from marketplace_connectors.errors import AuthError, RetryableError
from marketplace_connectors.models import (
    AccountStatus,
    ListingBinding,
    ListingStatus,
    Order,
    OrderStatus,
    VariantBinding,
)
from sme.catalog.models import Variant

from ..factories import AccountFactory, make_product, owner_membership
from .conftest import REDIRECT, SELLER
from .factories import draft
from .test_connector import live

pytestmark = pytest.mark.django_db


def live_and_bound(tiki, connector, creds, *, n: int):
    """A connected Tiki shop with our product ``n`` (SKUs ``GAO-000n-…``) live on Tiki, its listing and
    variants bound under Tiki's ids, as a publish leaves them. Returns the shop account."""
    account = AccountFactory(marketplace="tiki", external_shop_id=SELLER)
    account.set_tokens(access_token=creds.access_token, refresh_token=creds.refresh_token)
    account.save()
    product = make_product(account.business, n=n)
    status = live(tiki, connector, creds, draft(sku=f"GAO-{n:04d}"))
    listing = ListingBinding.objects.create(account=account, product=product, external_id=status.external_id,
                                            status=ListingStatus.LIVE)
    for variant in product.variants.all():
        VariantBinding.objects.create(account=account, listing=listing, variant=variant,
                                      external_id=status.variant_ids_by_sku[variant.sku])
    return account


def test_stock_goes_to_the_selling_warehouse_not_the_returns_one_listed_first(tiki, connector, creds):
    status = live(tiki, connector, creds, draft())
    first = next(iter(status.variant_ids_by_sku.values()))
    outcome = connector.update_price_stock(credentials=creds, external_id=status.external_id,
                                           updates=[PriceStockUpdate(external_variant_id=first, stock=4)])
    assert outcome.succeeded == (first,) and outcome.failed == {}
    assert tiki.products[int(first)].quantity == 4
    sent = [body for method, path, body in tiki.bodies if path.endswith("updateSkus") and "warehouse_quantities" in str(body)]
    assert sent[-1]["data"][0]["warehouse_quantities"] == [{"warehouse_id": 1034, "qty_available": 4}]


def test_a_paused_connection_is_a_failure_the_owner_sees_never_a_success(tiki, connector, creds):
    status = live(tiki, connector, creds, draft())
    first = next(iter(status.variant_ids_by_sku.values()))
    account = AccountFactory(marketplace="tiki", external_shop_id=SELLER)
    account.set_tokens(access_token=creds.access_token, refresh_token=creds.refresh_token)
    account.save()
    tiki.pause_integration(SELLER)

    with pytest.raises(IntegrationPaused) as paused:
        connector.update_price_stock(credentials=creds, external_id=status.external_id,
                                     updates=[PriceStockUpdate(external_variant_id=first, price_vnd=99_000)])
    assert "Kết nối đang tạm ngưng bởi seller" in paused.value.message and paused.value.code == "integration_paused"
    assert tiki.products[int(first)].price != 99_000

    # the scheduled order import stops on it: the shop waits for the owner (banner: reconnect), no retry loop
    assert sync.orders_import(account_id=account.pk) == {"imported": 0, "changed": 0}
    account.refresh_from_db()
    assert account.status == AccountStatus.NEEDS_REAUTH and not Order.objects.exists()


def test_an_order_line_with_an_empty_seller_code_takes_the_stock_of_the_bound_variant(tiki, connector, creds):
    # given a product live on Tiki, bound to our catalog's variants under Tiki's product ids
    account = live_and_bound(tiki, connector, creds, n=1)

    # when a buyer orders 2 of the first variant, and the seller's code on Tiki's order is empty
    code = tiki.create_order(shop_id=SELLER, items=[("GAO-0001-1", 2)], seller_product_code="")
    sync.orders_import(account_id=account.pk)

    # then the line is bound to the variant and its stock went down
    order = Order.objects.get(account=account, external_id=code)
    line = order.lines.get()
    assert line.variant.sku == "GAO-0001-1" and line.quantity == 2 and line.stock_held == 2
    assert Variant.objects.get(sku="GAO-0001-1").stock == 18


def test_the_two_403s_of_tiki_say_different_things_to_the_owner(tiki, connector, creds):
    # R-errors (docs/marketplaces/tiki.md finding 7, B3): a missing scope asks to reconnect; an inactive seller
    # account is Tiki's to fix
    tiki.inactive_sellers.add(SELLER)
    with pytest.raises(AuthError) as inactive:
        connector.categories(credentials=creds)
    assert inactive.value.code == "seller_inactive" and "không hoạt động" in inactive.value.message
    tiki.inactive_sellers.clear()
    code, _ = tiki.issue_code(SELLER, redirect_uri=REDIRECT, scope="offline order")  # no "product" scope
    narrow = connector.exchange_code(params={"code": code})
    with pytest.raises(AuthError) as scope:
        connector.categories(credentials=Credentials(shop_id=SELLER, access_token=narrow.access_token,
                                                     refresh_token=narrow.refresh_token))
    assert scope.value.code == "http_403" and "thiếu quyền" in scope.value.message


def test_an_empty_page_of_orders_its_paging_contradicts_is_tried_again_never_read_as_no_orders(tiki, connector, creds):
    # given a product live on Tiki and bound to our catalog, and a buyer's order of 3
    account = live_and_bound(tiki, connector, creds, n=2)
    code = tiki.create_order(shop_id=SELLER, items=[("GAO-0002-1", 3)])

    # when Tiki answers the order listing with an empty page whose paging says 1 order (U-131)
    tiki.empty_order_pages = 1
    with pytest.raises(RetryableError):
        sync.orders_import(account_id=account.pk)

    # then nothing moved: no order, the watermark unmoved, the stock untouched
    account.refresh_from_db()
    assert account.orders_synced_until is None and not Order.objects.exists()
    assert Variant.objects.get(sku="GAO-0002-1").stock == 20
    # and the retry imports the order and takes its stock
    assert sync.orders_import(account_id=account.pk)["imported"] == 1
    assert Order.objects.get(account=account, external_id=code).lines.get().stock_held == 3
    assert Variant.objects.get(sku="GAO-0002-1").stock == 17


def test_a_seller_whose_seller_center_forbids_api_updates_is_told_what_to_switch_on(tiki, connector, creds):
    # R-seller: can_update_product 0 – "cannot update products via API" (the refusal's wording is U)
    status = live(tiki, connector, creds, draft())
    first = next(iter(status.variant_ids_by_sku.values()))
    tiki.api_updates_off.add(SELLER)
    with pytest.raises(AuthError) as refused:
        connector.update_price_stock(credentials=creds, external_id=status.external_id,
                                     updates=[PriceStockUpdate(external_variant_id=first, stock=3)])
    # then the owner reads what to allow in Seller Center (not "reconnect with every permission")
    assert refused.value.code == "api_updates_off" and "Seller Center" in refused.value.message
    assert tiki.products[int(first)].quantity != 3
    # and connecting such a shop is refused with the same words, before anything is stored
    code, _ = tiki.issue_code(SELLER, redirect_uri=REDIRECT)
    with pytest.raises(AuthError) as at_connect:
        connector.exchange_code(params={"code": code})
    assert at_connect.value.code == "api_updates_off"


def test_stock_waits_and_the_owner_is_told_when_only_a_returns_warehouse_is_active(tiki, connector, creds):
    # given a live product, and the seller's supply warehouse gone: only the returns one is listed
    status = live(tiki, connector, creds, draft())
    first = next(iter(status.variant_ids_by_sku.values()))
    before = tiki.products[int(first)].quantity
    tiki.warehouses = ()
    # when price and stock are pushed
    outcome = connector.update_price_stock(credentials=creds, external_id=status.external_id, updates=[
        PriceStockUpdate(external_variant_id=first, price_vnd=61_000, stock=2)])
    # then the stock is not sent as a bare quantity to nowhere, the owner reads what to do, the price goes
    assert "kho cung ứng" in outcome.failed[first]  # the owner reads it in Vietnamese
    assert tiki.products[int(first)].quantity == before and tiki.products[int(first)].price == 61_000


def order_status_shown(client, order) -> tuple[str, str]:
    """The status cell of the order's row on the orders page and the status on its own page, as text."""
    html = client.get(reverse("marketplaces:order_list"), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    row = html[html.index(f'data-order="{order.external_id}"'):]
    row = row[:row.index("</tr>")]
    cell = row[row.index("order-status-"):]
    detail = client.get(reverse("marketplaces:order_detail", args=[order.pk]), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    status = detail[detail.index("order-status-"):]
    return cell, status[:status.index("</dd>")]


@pytest.mark.parametrize("not_accepted", ["waiting_payment", "processing"])
def test_an_order_tiki_has_not_accepted_holds_stock_until_it_is_cancelled(tiki, connector, creds, not_accepted, client):
    # given a product live on Tiki, bound to our catalog's variants
    account = live_and_bound(tiki, connector, creds, n=1)

    # when a buyer's order Tiki has not accepted yet (G-listorders: only orders from queueing on are) comes in
    code = tiki.create_order(shop_id=SELLER, items=[("GAO-0001-1", 4)], status=not_accepted)
    sync.orders_import(account_id=account.pk)

    # then it is kept, unpaid, with Tiki's word, and holds the stock (conservative: it may still go ahead)
    order = Order.objects.get(account=account, external_id=code)
    assert (order.status, order.marketplace_status) == (OrderStatus.UNPAID, not_accepted)
    assert order.lines.get().stock_held == 4 and Variant.objects.get(sku="GAO-0001-1").stock == 16
    # and the owner reads on the orders page and the order's page that Tiki has not confirmed it yet
    client.force_login(owner_membership(account.business).user)
    assert all("chưa được Tiki xác nhận" in shown for shown in order_status_shown(client, order))

    # when Tiki accepts it (queueing), the label goes
    tiki.set_order_status(order_id=code, status="queueing")
    sync.orders_import(account_id=account.pk)
    order.refresh_from_db()
    assert order.marketplace_status == "queueing"
    assert not any("chưa được Tiki xác nhận" in shown for shown in order_status_shown(client, order))

    # and when Tiki cancels it, the stock comes back
    tiki.set_order_status(order_id=code, status="canceled")
    sync.orders_import(account_id=account.pk)
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED and order.lines.get().stock_held == 0
    assert Variant.objects.get(sku="GAO-0001-1").stock == 20
