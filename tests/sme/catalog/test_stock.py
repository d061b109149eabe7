import pytest

from sme.catalog.models import StockMovement, StockReason, Variant
from sme.catalog.stock import InsufficientStock, StockSet, stock_adjust, stock_set_many
from tests.factories import owner_user

from .factories import VariantFactory

pytestmark = pytest.mark.django_db


def test_stock_adjust_by_delta_records_who_what_why():
    # given
    variant = VariantFactory(stock=10)
    actor = owner_user()
    # when
    movement = stock_adjust(variant=variant, delta=-3, reason=StockReason.ORDER, actor=actor, reference="order:42")
    # then
    variant.refresh_from_db()
    assert variant.stock == 7
    assert (movement.delta, movement.quantity_after, movement.reason, movement.reference, movement.actor) == (
        -3, 7, "order", "order:42", actor,
    )
    assert movement.business_id == variant.business_id


def test_stock_adjust_to_new_quantity_records_the_difference():
    # given
    variant = VariantFactory(stock=10)
    # when
    movement = stock_adjust(variant=variant, new_quantity=25, reason=StockReason.MANUAL, actor=None)
    # then
    assert Variant.objects.get(pk=variant.pk).stock == 25
    assert movement.delta == 15
    assert movement.quantity_after == 25


def test_stock_adjust_to_same_quantity_writes_nothing():
    # given
    variant = VariantFactory(stock=10)
    # when
    movement = stock_adjust(variant=variant, new_quantity=10, reason=StockReason.MANUAL, actor=None)
    # then
    assert movement is None
    assert StockMovement.objects.count() == 0


def test_stock_never_goes_below_zero_even_from_a_stale_copy():
    # given: two copies of the same variant; the first sells the last 4 units
    variant = VariantFactory(stock=4)
    stale = Variant.objects.get(pk=variant.pk)
    stock_adjust(variant=variant, delta=-4, reason=StockReason.ORDER, actor=None, reference="order:1")
    # when: the stale copy (still showing 4) tries to sell 3
    with pytest.raises(InsufficientStock):
        stock_adjust(variant=stale, delta=-3, reason=StockReason.ORDER, actor=None, reference="order:2")
    # then
    assert Variant.objects.get(pk=variant.pk).stock == 0
    assert list(StockMovement.objects.values_list("reference", flat=True)) == ["order:1"]


def test_stock_adjust_needs_exactly_one_of_delta_or_quantity():
    variant = VariantFactory(stock=4)
    with pytest.raises(ValueError):
        stock_adjust(variant=variant, delta=1, new_quantity=5, reason=StockReason.MANUAL, actor=None)
    with pytest.raises(ValueError):
        stock_adjust(variant=variant, reason=StockReason.MANUAL, actor=None)
    assert StockMovement.objects.count() == 0


def test_stock_set_many_writes_one_movement_per_changed_variant():
    # given
    a = VariantFactory(stock=1)
    b = VariantFactory(stock=5)
    c = VariantFactory(stock=0)
    # when
    moves = stock_set_many(
        changes=[StockSet(variant=a, quantity=3), StockSet(variant=b, quantity=5), StockSet(variant=c, quantity=9)],
        reason=StockReason.IMPORT, actor=None, reference="import:7",
    )
    # then
    assert dict(Variant.objects.values_list("sku", "stock")) == {a.sku: 3, b.sku: 5, c.sku: 9}
    assert sorted((m.variant_id, m.delta) for m in moves) == sorted([(a.pk, 2), (c.pk, 9)])
    assert set(StockMovement.objects.values_list("reason", "reference")) == {("import", "import:7")}


def test_stock_set_many_refuses_negative_quantities_and_changes_nothing():
    a = VariantFactory(stock=1)
    with pytest.raises(ValueError):
        stock_set_many(changes=[StockSet(variant=a, quantity=-1)], reason=StockReason.IMPORT, actor=None)
    assert Variant.objects.get(pk=a.pk).stock == 1
    assert StockMovement.objects.count() == 0
