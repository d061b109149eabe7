"""The publish step of one product (issue 18 item 1): Shopee's recommended category pre-selected, the "ready to
publish" checklist linking each missing item to the box that fixes it, Publish only when nothing is missing; the
same checklist on the product page, for owners. Against the Shopee sandbox."""

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace_connectors.models import CategoryMapping, ListingBinding, SyncRun
from sme.businesses.models import MemberRole, Membership
from tests.factories import owner_user

from .factories import AccountFactory, make_product, map_rice, owner_membership

pytestmark = pytest.mark.django_db


def prepare_url(account, product):
    return reverse("marketplaces:listing_prepare", args=[account.pk, product.pk])


def login_owner(client, business):
    membership = owner_membership(business)
    client.force_login(membership.user)
    return membership


def opened(client, url, capture, **kwargs):
    """The page as the owner sees it once the marketplace's categories are in: the first visit asks a task for
    them (run here as the worker would, once the request commits), the next one shows them."""
    with capture(execute=True):
        client.get(url, **kwargs)
    return client.get(url, **kwargs)


def test_the_publish_step_pre_selects_shopees_recommended_category_and_saves_it(client, connected, shopee,
                                                                              django_capture_on_commit_callbacks):
    # given a rice product whose category has no Shopee category yet
    login_owner(client, connected.business)
    product = make_product(connected.business, n=1)
    # when the owner opens the publish step
    with translation.override("vi"):
        page = opened(client, prepare_url(connected, product), django_capture_on_commit_callbacks,
                      HTTP_ACCEPT_LANGUAGE="vi")
    # then Shopee's recommendation for the name ("Gạo ...") is selected and its required details are asked
    assert page.status_code == 200
    assert page.context["form"]["external_category_id"].value() == "100101" and page.context["recommended"]
    assert {"attr_501", "attr_502"} <= {f.name for f in page.context["attribute_fields"]}
    assert any(c[0] == "/api/v2/product/category_recommend" for c in shopee.calls)
    assert [i.field for i in page.context["readiness"].items] == ["category"]
    # when the owner saves it with the details
    saved = client.post(prepare_url(connected, product), {"save": "1", "external_category_id": "100101",
                                                          "attr_501": "5011", "attr_502": "12 tháng"})
    # then the category is stored for the product's catalog category and nothing is left to add
    assert saved.status_code == 302
    mapping = CategoryMapping.objects.get(account=connected, category=product.category)
    assert (mapping.external_category_id, mapping.attribute_values) == ("100101", {"501": ["5011"], "502": ["12 tháng"]})
    assert client.get(prepare_url(connected, product)).context["readiness"].ready


def test_each_missing_item_links_to_the_box_that_fixes_it_and_there_is_no_publish_button(
        client, connected, shopee, django_capture_on_commit_callbacks):
    # given a mapped product with a one-line description and no weight on its second variant
    login_owner(client, connected.business)
    map_rice(connected)
    product = make_product(connected.business, n=2, description="Ngon")
    second = product.variants.order_by("position", "pk")[1]
    second.weight_g = None
    second.save()
    # when
    with translation.override("vi"):
        page = opened(client, prepare_url(connected, product), django_capture_on_commit_callbacks)
    # then
    edit = reverse("catalog:product_edit", args=[product.pk])
    links = {(i.field, i.url) for i in page.context["readiness"].items}
    assert links == {("description", f"{edit}#id_description"), ("weight", f"{edit}#id_variants-1-weight_g")}
    body = page.content.decode()
    assert "Cần bổ sung" in body and "Lỗi" not in body
    assert 'name="publish"' not in body
    # and a publish sent anyway is refused without a run or a call to Shopee
    refused = client.post(prepare_url(connected, product), {"publish": "1"})
    assert refused.status_code == 302 and SyncRun.objects.count() == 0 and shopee.count(path="/api/v2/product/add_item") == 0


def test_a_ready_product_is_published_from_the_publish_step(client, connected, shopee, django_capture_on_commit_callbacks):
    login_owner(client, connected.business)
    map_rice(connected)
    product = make_product(connected.business, n=3)
    assert 'name="publish"' in opened(client, prepare_url(connected, product),
                                      django_capture_on_commit_callbacks).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(prepare_url(connected, product), {"publish": "1"})
    run = SyncRun.objects.get()
    assert answer["Location"] == reverse("marketplaces:run_detail", args=[connected.pk, run.pk])
    assert ListingBinding.objects.get(product=product).status == "live"


def test_the_product_page_shows_the_checklist_per_shop_to_owners_only(client, connected, shopee,
                                                                     django_capture_on_commit_callbacks):
    map_rice(connected)
    product = make_product(connected.business, n=4, description="Ngon")
    edit = reverse("catalog:product_edit", args=[product.pk])
    # an owner sees the shop's checklist and the way to the publish step
    login_owner(client, connected.business)
    with translation.override("vi"):
        body = opened(client, edit, django_capture_on_commit_callbacks, HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert 'id="marketplaces"' in body and prepare_url(connected, product) in body and "Cần bổ sung" in body
    # a staff member of the same business does not (the shop pages are the owners')
    staff = owner_user()
    Membership.objects.create(user=staff, business=connected.business, role=MemberRole.STAFF)
    client.force_login(staff)
    assert 'id="marketplaces"' not in client.get(edit).content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_businesss_shop_or_product_is_a_404(client, connected, shopee, method):
    # given an owner of another business with a product of their own, and their own shop
    other = login_owner(client, None)
    theirs = make_product(other.business, n=5)
    their_shop = AccountFactory(business=other.business, external_shop_id="999")
    mine = make_product(connected.business, n=6)
    # then neither our shop with their product, nor their shop with our product, can be opened or published
    for account, product in ((connected, theirs), (their_shop, mine)):
        answer = getattr(client, method)(prepare_url(account, product), {"publish": "1"} if method == "post" else None)
        assert answer.status_code == 404
    assert SyncRun.objects.count() == 0


def test_a_shop_whose_marketplace_is_no_longer_configured_leaves_the_product_page_working(
        client, connected, shopee, settings, django_capture_on_commit_callbacks):
    # given a product of a business with a Shopee shop, on a server whose Shopee keys were since removed
    from marketplace_connectors.registry import registry_reset

    map_rice(connected)
    product = make_product(connected.business, n=7)
    login_owner(client, connected.business)
    settings.SHOPEE_PARTNER_ID, settings.SHOPEE_PARTNER_KEY = 0, ""
    registry_reset()
    try:
        # when the owner opens the product page and its publish step (the task fetching Shopee's categories
        # fails on every try: retried, then given up)
        with translation.override("vi"):
            page = opened(client, reverse("catalog:product_edit", args=[product.pk]), django_capture_on_commit_callbacks,
                          HTTP_ACCEPT_LANGUAGE="vi")
            step = client.get(prepare_url(connected, product), HTTP_ACCEPT_LANGUAGE="vi")
            refused = client.post(prepare_url(connected, product), {"publish": "1"})
    finally:
        registry_reset()
    # then the product page opens, the publish step says Shopee could not be asked instead of failing or
    # loading for ever, and nothing is published
    assert page.status_code == 200 and 'id="marketplaces"' in page.content.decode()
    assert "Shopee chưa trả lời nên danh sách có thể chưa đủ" in page.content.decode()
    assert step.status_code == 200 and "Shopee không phản hồi. Hãy thử lại sau ít phút." in step.content.decode()
    assert "Đang tải danh mục" not in step.content.decode()
    assert refused.status_code == 302 and SyncRun.objects.count() == 0


# --- the marketplace is never asked inside a page: a cold cache shows "loading" -------------------------
def _calls(shopee) -> int:
    return len(shopee.calls)


def test_a_cold_publish_step_shows_loading_without_asking_shopee_then_completes(
        client, connected, shopee, django_capture_on_commit_callbacks):
    login_owner(client, connected.business)
    product = make_product(connected.business, n=8)
    loading_url = reverse("marketplaces:listing_prepare_loading", args=[connected.pk, product.pk])
    before = _calls(shopee)
    # when the owner opens the publish step with nothing of Shopee's cached
    with django_capture_on_commit_callbacks() as queued, translation.override("vi"):
        page = client.get(prepare_url(connected, product), HTTP_ACCEPT_LANGUAGE="vi")
        again = client.get(prepare_url(connected, product), HTTP_ACCEPT_LANGUAGE="vi")
    # then the page answers at once, without a call to Shopee, saying it is loading and where to poll
    body = page.content.decode()
    assert page.status_code == 200 and _calls(shopee) == before
    assert "Đang tải danh mục của Shopee… Trang này tự cập nhật." in body
    assert f'data-pending-url="{loading_url}"' in body and "pending.js" in body
    assert page.context["form"] is None and 'name="publish"' not in body
    # and one task is queued, however often the page is reloaded meanwhile
    assert again.status_code == 200 and len(queued) == 1
    assert client.get(loading_url).json() == {"pending": True, "html": ""}
    # when the worker runs it
    queued[0]()
    # then the poll says it is done and hands over the checklist; the page shows the recommended category
    done = client.get(loading_url).json()
    assert done["pending"] is False and 'class="mkt-readiness"' in done["html"]
    warm_before = _calls(shopee)
    with django_capture_on_commit_callbacks() as queued_again:
        page = client.get(prepare_url(connected, product))
    assert page.context["form"]["external_category_id"].value() == "100101" and page.context["recommended"]
    assert _calls(shopee) == warm_before and queued_again == []  # warm: read from the cache, nothing asked


def test_a_cold_product_page_shows_the_checklist_loading_and_the_poll_replaces_it(
        client, connected, shopee, django_capture_on_commit_callbacks):
    map_rice(connected)
    product = make_product(connected.business, n=9, description="Ngon")
    login_owner(client, connected.business)
    loading_url = reverse("marketplaces:listing_prepare_loading", args=[connected.pk, product.pk])
    before = _calls(shopee)
    with django_capture_on_commit_callbacks() as queued, translation.override("vi"):
        body = client.get(reverse("catalog:product_edit", args=[product.pk]), HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert _calls(shopee) == before and len(queued) == 1
    assert "Đang tải danh mục của Shopee để kiểm tra sản phẩm…" in body
    assert f'data-pending-url="{loading_url}" data-pending-replace="1"' in body and "pending.js" in body
    queued[0]()
    with translation.override("vi"):
        done = client.get(loading_url, HTTP_ACCEPT_LANGUAGE="vi").json()
    assert done["pending"] is False and "Cần bổ sung" in done["html"] and "data-pending-url" not in done["html"]


def test_a_cold_category_page_shows_loading_without_asking_shopee_then_the_form(
        client, connected, shopee, django_capture_on_commit_callbacks):
    login_owner(client, connected.business)
    product = make_product(connected.business, n=10)
    url = reverse("marketplaces:category_edit", args=[connected.pk, product.category_id]) + "?external=100101"
    loading_url = reverse("marketplaces:category_edit_loading", args=[connected.pk, product.category_id])
    before = _calls(shopee)
    with django_capture_on_commit_callbacks() as queued, translation.override("vi"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    body = page.content.decode()
    assert page.status_code == 200 and _calls(shopee) == before and len(queued) == 1
    assert "Đang tải danh mục của Shopee… Trang này tự cập nhật." in body and "<form" not in body.split("</header>")[-1]
    assert client.get(loading_url + "?external=100101").json() == {"pending": True}
    queued[0]()
    assert client.get(loading_url + "?external=100101").json() == {"pending": False}
    page = client.get(url)
    assert {"attr_501", "attr_502"} <= {f.name for f in page.context["attribute_fields"]}


def test_the_loading_polls_of_another_business_are_404(client, connected, shopee):
    other = login_owner(client, None)
    theirs = make_product(other.business, n=11)
    their_shop = AccountFactory(business=other.business, external_shop_id="998")
    mine = make_product(connected.business, n=12)
    for account, product in ((connected, theirs), (their_shop, mine)):
        assert client.get(reverse("marketplaces:listing_prepare_loading", args=[account.pk, product.pk])).status_code == 404
    assert client.get(reverse("marketplaces:category_edit_loading", args=[connected.pk, mine.category_id])).status_code == 404


def test_saving_a_category_on_a_day_old_cache_asks_shopee_nothing(client, connected, shopee,
                                                                  django_capture_on_commit_callbacks):
    # given a category page whose Shopee categories were cached more than a day ago (the page still shows them)
    import datetime as dt

    from django.utils import timezone

    from marketplace_connectors.models import CategoryCache

    login_owner(client, connected.business)
    product = make_product(connected.business, n=13)
    url = reverse("marketplaces:category_edit", args=[connected.pk, product.category_id]) + "?external=100101"
    assert opened(client, url, django_capture_on_commit_callbacks).status_code == 200
    CategoryCache.objects.filter(account=connected).update(fetched_at=timezone.now() - dt.timedelta(days=2))
    before = _calls(shopee)
    # when the owner saves the category with its details
    with django_capture_on_commit_callbacks() as queued:
        saved = client.post(url, {"save": "1", "external_category_id": "100101", "attr_501": "5011",
                                  "attr_502": "12 tháng"})
    # then it is saved from the cached tree, and Shopee was not asked inside the request
    assert saved.status_code == 302
    assert CategoryMapping.objects.get(account=connected, category=product.category).external_category_id == "100101"
    assert _calls(shopee) == before and queued == []


def test_saving_a_category_when_the_tree_left_the_cache_says_it_is_loading(client, connected, shopee,
                                                                           django_capture_on_commit_callbacks):
    # given a category page opened with its categories cached, and the cache emptied before the owner saves
    from marketplace_connectors.models import CategoryCache

    login_owner(client, connected.business)
    product = make_product(connected.business, n=14)
    url = reverse("marketplaces:category_edit", args=[connected.pk, product.category_id]) + "?external=100101"
    assert opened(client, url, django_capture_on_commit_callbacks).status_code == 200
    CategoryCache.objects.filter(account=connected, key="tree").delete()
    before = _calls(shopee)
    # when the owner saves
    saved = client.post(url, {"save": "1", "external_category_id": "100101", "attr_501": "5011",
                              "attr_502": "12 tháng"})
    # then nothing is saved, Shopee is not asked inside the request, and the page says it is loading
    assert saved.status_code in (200, 302)
    assert not CategoryMapping.objects.filter(account=connected, category=product.category).exists()
    assert _calls(shopee) == before
