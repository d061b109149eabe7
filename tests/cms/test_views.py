"""The owner's Getting started page and the forms behind "mark as done", the checklist and marketplaces."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cms.choices import CompletionRule, Milestone
from cms.models import ChecklistTick, MarketplaceInterest, StepCompletion
from marketplace_connectors import sync
from marketplace_connectors.base import OrderStatus, RemoteOrder, RemoteOrderLine
from marketplace_connectors.models import MarketplaceAccount
from tests.cms.factories import BusinessFactory, add_step, block, checklist, owner_of, product_with_photo
from tests.factories import owner_user

pytestmark = pytest.mark.django_db


def test_getting_started_shows_zero_percent_and_the_next_step_for_a_new_owner(client):
    # given
    add_step(title="Thêm sản phẩm đầu tiên", completion_rule=CompletionRule.AUTOMATIC,
             milestone=Milestone.FIRST_PRODUCT,
             body=[block("call_to_action", {"action": "add_product", "marketplace": "", "label": "Thêm ngay"})])
    add_step(title="Chụp ảnh sản phẩm")
    business, owner = owner_of()
    client.force_login(owner)
    # when
    response = client.get(reverse("cms:journey"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<progress id="journey-progress" value="0" max="2">' in html
    assert "0%" in html
    assert "Thêm sản phẩm đầu tiên" in html
    add_product_url = reverse("catalog:product_create")
    assert f'<a class="button" href="{add_product_url}">Thêm ngay</a>' in html


def test_getting_started_moves_when_a_product_with_a_photo_is_added(client):
    # given
    add_step(title="Sản phẩm có ảnh", completion_rule=CompletionRule.AUTOMATIC,
             milestone=Milestone.FIRST_PRODUCT_WITH_IMAGE)
    add_step(title="Khác")
    business, owner = owner_of()
    client.force_login(owner)
    # when
    product_with_photo(business)
    # then
    html = client.get(reverse("cms:journey")).content.decode()
    assert '<progress id="journey-progress" value="1" max="2">' in html
    assert "50%" in html
    assert 'data-status="done_automatic"' in html


def test_getting_started_shows_the_first_order_step_done_on_the_day_the_order_was_placed(client):
    # given
    add_step(title="Đơn hàng đầu tiên", completion_rule=CompletionRule.AUTOMATIC,
             milestone=Milestone.FIRST_ORDER_RECEIVED)
    business, owner = owner_of()
    account = MarketplaceAccount.objects.create(business=business, marketplace="shopee", external_shop_id="1001",
                                                connected_at=timezone.now() - timedelta(days=30))
    client.force_login(owner)
    assert 'data-status="not_started"' in client.get(reverse("cms:journey")).content.decode()
    # when the shop's first order is imported (placed at 10:00 on 7 March 2026, Đồng Tháp time)
    placed = datetime(2026, 3, 7, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    sync.order_apply(account=account, remote=RemoteOrder(
        external_id="260307KX", status=OrderStatus.PENDING, marketplace_status="READY_TO_SHIP", created_at=placed,
        updated_at=placed + timedelta(minutes=1),
        lines=(RemoteOrderLine(sku="SEN-1", quantity=2, unit_price_vnd=85_000, status=OrderStatus.PENDING),)))
    # then
    html = client.get(reverse("cms:journey")).content.decode()
    assert '<progress id="journey-progress" value="1" max="1">' in html
    assert 'data-status="done_automatic"' in html
    assert "07-03-2026" in html


def test_getting_started_needs_sign_in_and_a_business(client):
    # when anonymous
    response = client.get(reverse("cms:journey"))
    # then
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    # when signed in without a business
    client.force_login(owner_user())
    response = client.get(reverse("cms:journey"))
    # then
    assert response.status_code == 302 and response["Location"] == reverse("businesses:register")


def test_mark_as_done_and_undo(client):
    # given
    step = add_step(title="Đọc quy định")
    business, owner = owner_of()
    client.force_login(owner)
    url = reverse("cms:step_done", args=[step.translation_key])
    # when
    response = client.post(url, {"next": step.url})
    # then
    assert response.status_code == 302 and response["Location"] == step.url
    assert StepCompletion.objects.filter(business=business, step_key=step.translation_key).count() == 1
    # when posted twice (idempotent), then undone
    client.post(url)
    assert StepCompletion.objects.filter(business=business).count() == 1
    client.post(url, {"undo": "1"})
    # then
    assert not StepCompletion.objects.exists()


def test_mark_as_done_is_refused_for_an_automatic_step(client):
    # given
    step = add_step(title="Tự động", completion_rule=CompletionRule.AUTOMATIC, milestone=Milestone.FIRST_PRODUCT)
    business, owner = owner_of()
    client.force_login(owner)
    # when
    client.post(reverse("cms:step_done", args=[step.translation_key]))
    # then
    assert not StepCompletion.objects.exists()


def test_unknown_or_draft_step_is_404_and_changes_nothing(client):
    # given
    draft = add_step(title="Nháp", publish=False)
    business, owner = owner_of()
    client.force_login(owner)
    # when / then
    for key in (uuid.uuid4(), draft.translation_key):
        assert client.post(reverse("cms:step_done", args=[key])).status_code == 404
        assert client.post(reverse("cms:checklist_save", args=[key]), {"item": "x", "checked": "1"}).status_code == 404
    assert not StepCompletion.objects.exists() and not ChecklistTick.objects.exists()


def test_checklist_saves_each_tick_as_json_for_the_script(client):
    # given
    step = add_step(title="Danh sách", completion_rule=CompletionRule.CHECKLIST, body=[checklist("A", "B")])
    first, second = step.checklist_item_ids()
    business, owner = owner_of()
    client.force_login(owner)
    url = reverse("cms:checklist_save", args=[step.translation_key])
    headers = {"HTTP_X_REQUESTED_WITH": "fetch"}
    # when
    response = client.post(url, {"item": first, "checked": "1"}, **headers)
    # then
    assert response.json() == {"ticked": 1, "total": 2, "done": False, "percent": 0}
    # when
    response = client.post(url, {"item": second, "checked": "1"}, **headers)
    # then
    assert response.json() == {"ticked": 2, "total": 2, "done": True, "percent": 100}
    # when unticked
    response = client.post(url, {"item": first, "checked": "0"}, **headers)
    assert response.json()["ticked"] == 1
    assert list(ChecklistTick.objects.values_list("item_id", flat=True)) == [second]


def test_checklist_form_without_javascript_saves_the_ticked_set(client):
    # given two checklists on one step
    step = add_step(title="Hai danh sách", completion_rule=CompletionRule.CHECKLIST,
                    body=[checklist("A", "B"), checklist("C")])
    a, b, c = step.checklist_item_ids()
    business, owner = owner_of()
    ChecklistTick.objects.create(business=business, step_key=step.translation_key, item_id=c)
    client.force_login(owner)
    # when the first form is submitted with A ticked
    response = client.post(reverse("cms:checklist_save", args=[step.translation_key]),
                           {"scope": [a, b], "items": [a], "next": step.url})
    # then the other checklist's tick is kept
    assert response.status_code == 302 and response["Location"] == step.url
    assert set(ChecklistTick.objects.values_list("item_id", flat=True)) == {a, c}


def test_checklist_rejects_an_item_of_another_step_and_changes_nothing(client):
    # given
    step = add_step(title="Một", completion_rule=CompletionRule.CHECKLIST, body=[checklist("A")])
    other = add_step(title="Hai", completion_rule=CompletionRule.CHECKLIST, body=[checklist("B")])
    business, owner = owner_of()
    client.force_login(owner)
    # when
    response = client.post(reverse("cms:checklist_save", args=[step.translation_key]),
                           {"item": other.checklist_item_ids()[0], "checked": "1"}, HTTP_X_REQUESTED_WITH="fetch")
    # then
    assert response.status_code == 400
    assert "không còn trong danh sách" in response.json()["error"]
    assert not ChecklistTick.objects.exists()


def test_ticks_belong_to_the_current_business_only(client):
    # given another business has ticked everything
    step = add_step(title="Danh sách", completion_rule=CompletionRule.CHECKLIST, body=[checklist("A")])
    theirs, _ = owner_of()
    ChecklistTick.objects.create(business=theirs, step_key=step.translation_key, item_id=step.checklist_item_ids()[0])
    mine, owner = owner_of()
    client.force_login(owner)
    # when
    html = client.get(step.url).content.decode()
    # then
    assert " checked" not in html
    assert 'data-status="not_started"' in html


def test_step_page_shows_the_owner_context(client):
    # given
    step = add_step(title="Mười sản phẩm", completion_rule=CompletionRule.AUTOMATIC,
                    milestone=Milestone.TEN_ACTIVE_PRODUCTS)
    business, owner = owner_of()
    for i in range(3):
        product_with_photo(business, name=f"Hủ tiếu Sa Đéc {i}")
    client.force_login(owner)
    # when
    html = client.get(step.url).content.decode()
    # then
    assert "Bạn có 3 sản phẩm đang kinh doanh trong danh mục; cần thêm 7 sản phẩm để hoàn thành bước này." in html
    assert "Bước 1/1" in html


def test_marketplaces_form_saves_the_choice_and_refuses_unknown_codes(client):
    # given
    business, owner = owner_of()
    client.force_login(owner)
    # when
    client.post(reverse("cms:marketplaces_save"), {"marketplaces": ["shopee", "lazada"]})
    # then
    assert set(MarketplaceInterest.objects.values_list("marketplace", flat=True)) == {"shopee", "lazada"}
    # when an unknown code is posted
    client.post(reverse("cms:marketplaces_save"), {"marketplaces": ["shopee", "amazon"]})
    # then nothing changed
    assert set(MarketplaceInterest.objects.values_list("marketplace", flat=True)) == {"shopee", "lazada"}


def test_dashboard_of_one_business_never_shows_another_business_progress(client):
    # given
    add_step(title="Sản phẩm", completion_rule=CompletionRule.AUTOMATIC, milestone=Milestone.FIRST_PRODUCT)
    product_with_photo(BusinessFactory())
    business, owner = owner_of()
    client.force_login(owner)
    # then
    assert '<progress id="journey-progress" value="0" max="1">' in client.get(reverse("cms:journey")).content.decode()
