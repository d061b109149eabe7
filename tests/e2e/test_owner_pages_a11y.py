"""Every page an owner works in, as a phone shows it: axe-core finds no serious or critical accessibility
violation, and none of them scrolls sideways at 360 px (the narrowest common Android width).

The owner has what a first week leaves behind: a registered business, a product with a photo, a sandbox
Shopee shop with the product live on it, a publishing run, and an order that moved the stock.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe

from marketplace_connectors import sync
from marketplace_connectors.backends.shopee.connector import ShopeeConnector
from marketplace_connectors.models import ListingBinding, ListingStatus, Order, SyncKind
from sme.catalog.models import Variant
from tests.factories import DEFAULT_PASSWORD, owner_user
from tests.marketplace_connectors.conftest import media, shopee  # noqa: F401
from tests.marketplace_connectors.factories import AccountFactory, make_product, map_rice, owner_membership
from tests.sme.businesses.factories import BusinessFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# axe-core's two highest impact levels: a person using a screen reader, a keyboard or zoom cannot use the page.
BLOCKING = {"serious", "critical"}


def _sign_in(page, base, email):
    page.goto(base + "/accounts/login/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", DEFAULT_PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/me/")


@pytest.fixture
def first_week(shopee):  # noqa: F811
    """An owner with a complete profile, one product live on a sandbox Shopee shop and one order."""
    from cms.demo import seed_journey

    seed_journey()
    membership = owner_membership(business=BusinessFactory(), preferred_language="vi")
    code, shop_id = shopee.issue_code()
    tokens = ShopeeConnector().exchange_code(params={"code": code, "shop_id": str(shop_id)})
    account = AccountFactory(business=membership.business, external_shop_id=str(shop_id),
                             access_expires_at=tokens.access_expires_at,
                             refresh_expires_at=tokens.refresh_expires_at)
    account.set_tokens(access_token=tokens.access_token, refresh_token=tokens.refresh_token)
    account.save()
    map_rice(account)
    product = make_product(membership.business, n=1)
    run = sync.sync_run_start(account=account, kind=SyncKind.PUBLISH, product_ids=[product.pk],
                              user=membership.user)
    assert ListingBinding.objects.get(account=account, product=product).status == ListingStatus.LIVE
    shopee.create_order(shop_id=shop_id, items=[("GAO-0001-1", 2)])
    sync.orders_import(account_id=account.pk)
    return {"membership": membership, "account": account, "product": product, "run": run,
            "order": Order.objects.get(account=account), "variant": Variant.objects.filter(product=product).first()}


def owner_pages(data) -> list[str]:
    account, product = data["account"], data["product"]
    return [
        "/me/",
        "/getting-started/",
        "/business/",
        "/business/edit/",
        "/business/team/",
        "/catalog/",
        "/catalog/new/",
        f"/catalog/{product.pk}/",
        f"/catalog/{product.pk}/photos/",
        f"/catalog/variants/{data['variant'].pk}/stock/",
        "/imports/",
        "/marketplaces/",
        f"/marketplaces/{account.pk}/",
        f"/marketplaces/{account.pk}/categories/",
        f"/marketplaces/{account.pk}/prepare/{product.pk}/",
        f"/marketplaces/{account.pk}/runs/",
        f"/marketplaces/{account.pk}/runs/{data['run'].pk}/",
        f"/marketplaces/{account.pk}/settings/",
        "/marketplaces/orders/",
        f"/marketplaces/orders/{data['order'].pk}/",
        "/billing/",
    ]


def _axe_problems(page, axe) -> list[str]:
    results = axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {node['target']}"
        for v in results.response["violations"] if v["impact"] in BLOCKING
        for node in v["nodes"]
    ]


def test_owner_pages_have_no_serious_accessibility_problem_and_fit_360px(live_server, page, first_week):
    base = live_server.url
    _sign_in(page, base, first_week["membership"].user.email)
    page.set_viewport_size({"width": 360, "height": 740})
    axe = Axe()
    problems, too_wide, failed = {}, {}, {}

    for path in owner_pages(first_week):
        response = page.goto(base + path)
        if response.status != 200:
            failed[path] = response.status
            continue
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
        found = _axe_problems(page, axe)
        if found:
            problems[path] = found

    print(f"\nstatus: {failed}\ntoo wide: {too_wide}\naxe: {problems}")
    assert failed == {}
    assert too_wide == {}
    assert problems == {}


def test_the_open_menu_and_a_form_with_errors_pass_too(live_server, page, first_week):
    base = live_server.url
    _sign_in(page, base, first_week["membership"].user.email)
    page.set_viewport_size({"width": 360, "height": 740})
    axe = Axe()

    page.goto(base + "/catalog/new/")
    page.get_by_role("button", name="Menu").click()
    assert page.get_by_role("link", name="Bắt đầu").is_visible()
    open_menu = _axe_problems(page, axe)

    page.get_by_role("button", name="Menu").click()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    # the summary is at the top and focus is on the first field in error
    assert page.locator("[data-error-summary]").is_visible()
    assert page.evaluate("document.activeElement.name") == "name"
    with_errors = _axe_problems(page, axe)
    width = page.evaluate("document.documentElement.scrollWidth")

    assert open_menu == []
    assert with_errors == []
    assert width <= 360


def test_registration_and_sign_up_pages_pass_for_a_newcomer(live_server, page):
    user = owner_user()
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})
    axe = Axe()
    found, too_wide = {}, {}
    for path in ("/", "/accounts/signup/", "/accounts/login/"):
        page.goto(base + path)
        found[path] = _axe_problems(page, axe)
        too_wide[path] = page.evaluate("document.documentElement.scrollWidth")
    _sign_in(page, base, user.email)
    page.goto(base + "/business/register/")
    found["/business/register/"] = _axe_problems(page, axe)
    too_wide["/business/register/"] = page.evaluate("document.documentElement.scrollWidth")

    assert {path: problems for path, problems in found.items() if problems} == {}
    assert {path: width for path, width in too_wide.items() if width > 360} == {}
