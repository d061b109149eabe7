"""The progress engine: which steps apply (targeting), their states, the bulk selector for officers."""

import pytest

from cms.choices import CompletionRule, Milestone
from cms.models import ChecklistTick, StepCompletion
from cms.selectors import StepStatus, journey_progress_for_business, journey_step_states_bulk
from cms.services import marketplace_interests_set, step_mark_done
from marketplace_connectors.models import MarketplaceAccount
from sme.businesses.models import LegalForm, MainSector
from tests.cms.factories import BusinessFactory, add_step, checklist, owner_of, product, product_with_photo

pytestmark = pytest.mark.django_db


def journey_with_four_steps():
    return [
        add_step(title="Hoàn thiện hồ sơ", completion_rule=CompletionRule.MARK_DONE),
        add_step(title="Sản phẩm đầu tiên", completion_rule=CompletionRule.AUTOMATIC,
                 milestone=Milestone.FIRST_PRODUCT),
        add_step(title="Ảnh sản phẩm", completion_rule=CompletionRule.AUTOMATIC,
                 milestone=Milestone.FIRST_PRODUCT_WITH_IMAGE),
        add_step(title="Kiểm tra pháp lý", completion_rule=CompletionRule.CHECKLIST,
                 body=[checklist("Giấy đăng ký", "Mã số thuế")]),
    ]


def test_a_new_business_starts_at_zero_with_the_first_step_next():
    # given
    steps = journey_with_four_steps()
    business = BusinessFactory()
    # when
    progress = journey_progress_for_business(business=business)
    # then
    assert (progress.done_count, progress.total, progress.percent) == (0, 4, 0)
    assert progress.next_step.step.pk == steps[0].pk
    assert {s.status for s in progress.steps} == {StepStatus.NOT_STARTED}


def test_progress_moves_with_data_and_manual_completion():
    # given
    steps = journey_with_four_steps()
    business, owner = owner_of()
    # when
    item = product_with_photo(business)
    step_mark_done(business=business, step=steps[0], user=owner)
    # then
    progress = journey_progress_for_business(business=business)
    states = {s.step.pk: s for s in progress.steps}
    assert states[steps[0].pk].status == StepStatus.DONE_MANUAL
    assert states[steps[1].pk].status == StepStatus.DONE_AUTOMATIC
    assert states[steps[1].pk].record.done_at == item.created_at
    assert states[steps[2].pk].status == StepStatus.DONE_AUTOMATIC
    assert (progress.done_count, progress.percent) == (3, 75)
    assert progress.next_step.step.pk == steps[3].pk
    # when the product is deleted, both product steps are no longer done
    item.delete()
    # then
    progress = journey_progress_for_business(business=business)
    assert progress.done_count == 1
    assert progress.next_step.step.pk == steps[1].pk


def test_checklist_step_is_in_progress_until_every_item_is_ticked():
    # given
    step = add_step(title="Chuẩn bị", completion_rule=CompletionRule.CHECKLIST, body=[checklist("A", "B", "C")])
    business, owner = owner_of()
    first, second, third = step.checklist_item_ids()
    # when
    ChecklistTick.objects.create(business=business, step_key=step.translation_key, item_id=first)
    # then
    state = journey_progress_for_business(business=business).steps[0]
    assert (state.status, state.record.count, state.record.target) == (StepStatus.IN_PROGRESS, 1, 3)
    assert state.hint == "Đã đánh dấu 1/3 mục."
    # when
    for item_id in (second, third):
        ChecklistTick.objects.create(business=business, step_key=step.translation_key, item_id=item_id)
    # then
    assert journey_progress_for_business(business=business).steps[0].status == StepStatus.DONE_MANUAL


def test_ten_active_products_hint_says_how_many_are_missing():
    # given
    add_step(title="Mười sản phẩm", completion_rule=CompletionRule.AUTOMATIC,
             milestone=Milestone.TEN_ACTIVE_PRODUCTS)
    business = BusinessFactory()
    for i in range(3):
        product(business, name=f"Bánh phồng tôm Sa Đéc {i}")
    # when
    state = journey_progress_for_business(business=business).steps[0]
    # then
    assert state.status == StepStatus.IN_PROGRESS
    # "active in the catalog", never "on sale" (which is "live on a marketplace": docs/statuses.md)
    assert state.hint == "Bạn có 3 sản phẩm đang kinh doanh trong danh mục; cần thêm 7 sản phẩm để hoàn thành bước này."


def test_legal_form_targeting_changes_what_counts():
    # given
    add_step(title="Cho mọi người")
    household_only = add_step(title="Thuế khoán hộ kinh doanh", audience_legal_form="household")
    enterprise_only = add_step(title="Hóa đơn điện tử doanh nghiệp", audience_legal_form="enterprise")
    household = BusinessFactory(legal_form=LegalForm.HOUSEHOLD, identifier="087186000123")
    company = BusinessFactory(legal_form=LegalForm.JOINT_STOCK)
    # when
    for_household = journey_progress_for_business(business=household)
    for_company = journey_progress_for_business(business=company)
    # then
    assert [s.step.pk for s in for_household.steps][1:] == [household_only.pk]
    assert [s.step.pk for s in for_company.steps][1:] == [enterprise_only.pk]
    assert for_household.total == for_company.total == 2


def test_sector_group_targeting_hides_other_sectors_but_not_unknown_ones():
    # given
    add_step(title="Nông sản tươi", audience_sector_group="agriculture_industry")
    farm = BusinessFactory(main_sector=MainSector.A)
    shop_business = BusinessFactory(main_sector=MainSector.G)
    unknown = BusinessFactory(main_sector="")
    # then
    assert journey_progress_for_business(business=farm).total == 1
    assert journey_progress_for_business(business=shop_business).total == 0
    assert journey_progress_for_business(business=unknown).total == 1


def test_marketplace_targeting_follows_chosen_and_connected_marketplaces():
    # given
    add_step(title="Chung")
    add_step(title="Kết nối Shopee", audience_marketplace="shopee")
    business = BusinessFactory()
    assert journey_progress_for_business(business=business).total == 1
    # when the owner says they aim for Shopee
    marketplace_interests_set(business=business, marketplaces=["shopee"])
    # then
    assert journey_progress_for_business(business=business).total == 2
    # when they drop it but have a connected Shopee shop
    marketplace_interests_set(business=business, marketplaces=[])
    MarketplaceAccount.objects.create(business=business, marketplace="shopee", external_shop_id="77")
    # then
    progress = journey_progress_for_business(business=business)
    assert progress.total == 2
    assert progress.target_marketplaces == frozenset({"shopee"})


def test_a_step_that_does_not_apply_is_not_counted_even_when_done():
    # given
    step = add_step(title="Chỉ hộ kinh doanh", audience_legal_form="household")
    add_step(title="Chung")
    company, owner = owner_of(legal_form=LegalForm.LLC_MULTI_MEMBER)
    StepCompletion.objects.create(business=company, step_key=step.translation_key, completed_by=owner)
    # when
    progress = journey_progress_for_business(business=company)
    # then
    assert (progress.done_count, progress.total) == (0, 1)


def test_draft_steps_are_not_part_of_the_journey():
    # given
    add_step(title="Đã xuất bản")
    add_step(title="Bản nháp", publish=False)
    # then
    assert journey_progress_for_business(business=BusinessFactory()).total == 1


def test_bulk_states_cost_a_fixed_number_of_queries(django_assert_max_num_queries):
    # given
    journey_with_four_steps()
    few = [BusinessFactory() for _ in range(2)]
    many = few + [BusinessFactory() for _ in range(12)]
    for business in many[::2]:
        product_with_photo(business)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few_queries:
        journey_step_states_bulk(business_ids=[b.pk for b in few])
    # then
    with django_assert_max_num_queries(len(few_queries)):
        states = journey_step_states_bulk(business_ids=[b.pk for b in many])
    assert len(states) == len(many)
    done_with_photo = {pk for pk, per_step in states.items() if sum(r.done for r in per_step.values()) == 2}
    assert done_with_photo == {b.pk for b in many[::2]}
