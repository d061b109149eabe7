"""A step page's progress (cms.progress) says what Getting started says about that step, for less."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from cms.choices import CompletionRule, Milestone
from cms.models import ChecklistTick
from cms.progress import step_progress_for_business
from cms.selectors import StepStatus, journey_progress_for_business
from cms.services import step_mark_done
from marketplace_connectors.models import MarketplaceAccount
from sme.businesses.models import LegalForm
from tests.cms.factories import add_step, checklist, owner_of, product_with_photo, translate

pytestmark = pytest.mark.django_db


def journey_with_targeting():
    return [
        add_step(title="Hoàn thiện hồ sơ", completion_rule=CompletionRule.MARK_DONE),
        add_step(title="Thuế khoán hộ kinh doanh", audience_legal_form="household"),
        add_step(title="Sản phẩm đầu tiên", completion_rule=CompletionRule.AUTOMATIC,
                 milestone=Milestone.FIRST_PRODUCT),
        add_step(title="Kết nối Shopee", completion_rule=CompletionRule.AUTOMATIC,
                 milestone=Milestone.FIRST_MARKETPLACE_CONNECTED, audience_marketplace="shopee"),
        add_step(title="Ảnh sản phẩm", completion_rule=CompletionRule.AUTOMATIC,
                 milestone=Milestone.FIRST_PRODUCT_WITH_IMAGE),
        add_step(title="Kiểm tra pháp lý", completion_rule=CompletionRule.CHECKLIST,
                 body=[checklist("Giấy đăng ký", "Mã số thuế")]),
        add_step(title="Đơn hàng đầu tiên", completion_rule=CompletionRule.AUTOMATIC,
                 milestone=Milestone.FIRST_ORDER_RECEIVED),
    ]


def assert_step_pages_agree_with_getting_started(business, steps):
    dashboard = journey_progress_for_business(business=business)
    shown = {view.step.pk: view for view in dashboard.steps}
    for step in steps:
        progress = step_progress_for_business(business=business, step=step)
        assert progress.total == dashboard.total, step.title
        expected = shown.get(step.pk)
        if expected is None:
            assert progress.state is None, step.title
            continue
        assert (progress.state.number, progress.state.record) == (expected.number, expected.record), step.title
        assert progress.target_marketplaces == dashboard.target_marketplaces
        assert progress.ticked_items.get(step.translation_key, set()) == dashboard.ticked_items.get(
            step.translation_key, set())


def test_each_step_page_shows_the_state_and_number_getting_started_shows():
    # given an enterprise with a product with a photo, a Shopee shop, one item ticked, the first step done
    steps = journey_with_targeting()
    business, owner = owner_of(legal_form=LegalForm.LLC_ONE_MEMBER)
    product_with_photo(business)
    MarketplaceAccount.objects.create(business=business, marketplace="shopee", external_shop_id="77")
    step_mark_done(business=business, step=steps[0], user=owner)
    ChecklistTick.objects.create(business=business, step_key=steps[5].translation_key,
                                 item_id=steps[5].checklist_item_ids()[0], ticked_by=owner)

    # then
    assert_step_pages_agree_with_getting_started(business, steps)
    progress = step_progress_for_business(business=business, step=steps[4])
    assert (progress.state.number, progress.total, progress.state.status) == (4, 6, StepStatus.DONE_AUTOMATIC)
    # the household-only step does not apply to an enterprise: not numbered
    assert step_progress_for_business(business=business, step=steps[1]).state is None


def test_a_household_without_a_shop_sees_other_numbers_on_the_same_pages():
    # given
    steps = journey_with_targeting()
    household, _owner = owner_of(legal_form=LegalForm.HOUSEHOLD, identifier="087186000123")

    # then
    assert_step_pages_agree_with_getting_started(household, steps)
    assert step_progress_for_business(business=household, step=steps[1]).state.number == 2
    assert step_progress_for_business(business=household, step=steps[3]).state is None


def test_the_english_page_of_a_step_shows_the_same_state():
    # given
    steps = journey_with_targeting()
    business, _owner = owner_of()
    product_with_photo(business)
    english = translate(steps[2], title="First product")

    # when
    with translation.override("en"):
        progress = step_progress_for_business(business=business, step=english)

    # then
    vietnamese = step_progress_for_business(business=business, step=steps[2])
    assert progress.state.record == vietnamese.state.record
    assert progress.state.status == StepStatus.DONE_AUTOMATIC
    assert progress.state.page.pk == english.pk and progress.state.step.pk == steps[2].pk


def test_a_step_page_evaluates_its_own_milestone_only():
    # given a journey with five milestones
    steps = journey_with_targeting()
    business, _owner = owner_of()
    journey_progress_for_business(business=business)  # warm caches (Locale, content types)

    # when
    with CaptureQueriesContext(connection) as dashboard_queries:
        journey_progress_for_business(business=business)
    with CaptureQueriesContext(connection) as automatic_page:
        step_progress_for_business(business=business, step=steps[2])
    with CaptureQueriesContext(connection) as checklist_page:
        step_progress_for_business(business=business, step=steps[5])

    # then: one milestone query on an automatic step's page, none on a checklist's
    assert len(checklist_page.captured_queries) == len(automatic_page.captured_queries) - 1
    assert len(automatic_page.captured_queries) <= len(dashboard_queries.captured_queries) - 4
