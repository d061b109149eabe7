"""Variants on Shopee through the synchronizer: a variant added after publishing becomes a new model (once,
even when a retry follows a lost answer), and a product with two options becomes two tiers."""

import pytest

from marketplace_connectors import sync
from marketplace_connectors.models import ListingBinding, ListingStatus, SyncAttempt, SyncKind, VariantBinding
from sme.catalog.models import Product
from sme.catalog.services import ProductInput, VariantInput, image_add, product_create, product_update

from ..factories import LONG_DESCRIPTION, make_product, map_rice, png_bytes, rice_category

pytestmark = pytest.mark.django_db

ADD_MODEL = "/api/v2/product/add_model"
UPDATE_TIERS = "/api/v2/product/update_tier_variation"


def publish(account, product, django_capture_on_commit_callbacks, kind=SyncKind.PUBLISH):
    with django_capture_on_commit_callbacks(execute=True):
        return sync.sync_run_start(account=account, kind=kind, product_ids=[product.pk])


def add_variant(product: Product, *, sku: str, price: int, stock: int, option: str) -> None:
    """The owner adds one size to the product form and saves (the catalog's own service)."""
    rows = [VariantInput(id=v.pk, sku=v.sku, price=int(v.price), option1_value=v.option1_value, stock=v.stock,
                         weight_g=v.weight_g) for v in product.variants.order_by("pk")]
    rows.append(VariantInput(sku=sku, price=price, option1_value=option, stock=stock, weight_g=3000))
    data = ProductInput(name=product.name, description=product.description, category=product.category,
                        status=product.status, option1_name=product.option1_name, key=product.key)
    product_update(product=product, data=data, variants=rows, actor=None)


def test_a_variant_added_after_publishing_reaches_shopee_as_a_new_model(connected, shopee,
                                                                        django_capture_on_commit_callbacks):
    # given a live listing with sizes 1 kg and 2 kg
    map_rice(connected)
    product = make_product(connected.business, n=1)
    publish(connected, product, django_capture_on_commit_callbacks)
    # when the owner adds a 5 kg size and syncs again
    add_variant(product, sku="GAO-0001-5", price=230_000, stock=7, option="5 kg")
    publish(connected, product, django_capture_on_commit_callbacks, kind=SyncKind.SYNC)
    # then Shopee has the new option and a model with its price and stock, the old models untouched
    binding = ListingBinding.objects.get(account=connected, product=product)
    item = shopee.items()[0]
    assert binding.status == ListingStatus.LIVE and binding.last_error == ""
    assert [o["option"] for o in item.tier_variation[0]["option_list"]] == ["1 kg", "2 kg", "5 kg"]
    assert [(m.model_sku, m.tier_index, m.original_price, m.stock) for m in item.models] == [
        ("GAO-0001-1", [0], 50_000, 20), ("GAO-0001-2", [1], 100_000, 21), ("GAO-0001-5", [2], 230_000, 7)]
    assert dict(VariantBinding.objects.filter(listing=binding).values_list("variant__sku", "external_id")) == {
        m.model_sku: str(m.model_id) for m in item.models}
    assert shopee.count(path=ADD_MODEL) == 1 and shopee.count(path=UPDATE_TIERS) == 1


def test_a_retry_after_add_model_answered_too_late_adds_no_second_model(connected, shopee, settings,
                                                                         django_capture_on_commit_callbacks):
    # given a live listing, and add_model that acts but answers after our read timeout, once
    settings.MARKETPLACE_HTTP_TIMEOUTS = (1.0, 0.3)
    map_rice(connected)
    product = make_product(connected.business, n=2)
    publish(connected, product, django_capture_on_commit_callbacks)
    add_variant(product, sku="GAO-0002-5", price=230_000, stock=7, option="5 kg")
    shopee.set_faults(timeout_share=1.0, hang_seconds=0.6, act_before_hang=True, paths=frozenset({ADD_MODEL}))

    def heal(path, status):
        if path == ADD_MODEL:
            shopee.set_faults()

    shopee.after_call = heal
    # when synced (the task retries), and synced once more
    publish(connected, product, django_capture_on_commit_callbacks, kind=SyncKind.SYNC)
    publish(connected, product, django_capture_on_commit_callbacks, kind=SyncKind.SYNC)
    # then the 5 kg model exists once, found by its SKU on the retry, and is bound
    item = shopee.items()[0]
    assert [m.model_sku for m in item.models] == ["GAO-0002-1", "GAO-0002-2", "GAO-0002-5"]
    assert shopee.count(path=ADD_MODEL) == 1
    assert SyncAttempt.objects.filter(outcome=SyncAttempt.Outcome.RETRY).exists()  # the lost answer was retried
    binding = ListingBinding.objects.get(account=connected, product=product)
    assert binding.status == ListingStatus.LIVE
    assert VariantBinding.objects.get(listing=binding, variant__sku="GAO-0002-5").external_id == str(item.models[2].model_id)


def test_a_product_with_two_options_becomes_two_tiers(connected, shopee, django_capture_on_commit_callbacks):
    # given a product sold by weight and by packaging
    map_rice(connected)
    rows = [VariantInput(sku=f"GAO-2T-{n}", price=price, option1_value=weight, option2_value=pack, stock=stock,
                         weight_g=grams)
            for n, (weight, pack, price, stock, grams) in enumerate([
                ("1 kg", "Túi", 50_000, 5, 1000), ("1 kg", "Hộp", 60_000, 6, 1100),
                ("5 kg", "Túi", 230_000, 7, 5000)])]
    product = product_create(
        business=connected.business,
        data=ProductInput(name="Gạo ST25 Đồng Tháp hai lựa chọn", description=LONG_DESCRIPTION,
                          category=rice_category(), option1_name="Khối lượng", option2_name="Đóng gói",
                          key="GAO-2T", status="active"),
        variants=rows, actor=None)
    image_add(product=product, data=png_bytes(), name="gao.png")
    # when
    publish(connected, product, django_capture_on_commit_callbacks)
    # then Shopee shows two tiers and each model points at one option of each
    assert ListingBinding.objects.get(account=connected, product=product).status == ListingStatus.LIVE
    item = shopee.items()[0]
    assert [(t["name"], [o["option"] for o in t["option_list"]]) for t in item.tier_variation] == [
        ("Khối lượng", ["1 kg", "5 kg"]), ("Đóng gói", ["Túi", "Hộp"])]
    assert [(m.model_sku, m.tier_index, m.original_price, m.stock) for m in item.models] == [
        ("GAO-2T-0", [0, 0], 50_000, 5), ("GAO-2T-1", [0, 1], 60_000, 6), ("GAO-2T-2", [1, 0], 230_000, 7)]


def test_a_listing_with_one_tier_keeps_it_when_the_product_gains_a_second_option(connected, shopee,
                                                                                  django_capture_on_commit_callbacks):
    # given a live listing by weight only
    map_rice(connected)
    product = make_product(connected.business, n=3)
    publish(connected, product, django_capture_on_commit_callbacks)
    # when the owner adds a packaging option and a boxed 5 kg variant
    rows = [VariantInput(id=v.pk, sku=v.sku, price=int(v.price), option1_value=v.option1_value, option2_value="Túi",
                         stock=v.stock, weight_g=v.weight_g) for v in product.variants.order_by("pk")]
    rows.append(VariantInput(sku="GAO-0003-5", price=240_000, option1_value="5 kg", option2_value="Hộp", stock=4,
                             weight_g=5000))
    product_update(product=product, variants=rows, actor=None, data=ProductInput(
        name=product.name, description=product.description, category=product.category, status=product.status,
        option1_name="Khối lượng", option2_name="Đóng gói", key=product.key))
    publish(connected, product, django_capture_on_commit_callbacks, kind=SyncKind.SYNC)
    # then the item keeps its single tier (its models point at it) and the new variant is one more option
    binding = ListingBinding.objects.get(account=connected, product=product)
    item = shopee.items()[0]
    assert binding.status == ListingStatus.LIVE, binding.last_error
    assert len(item.tier_variation) == 1
    assert [o["option"] for o in item.tier_variation[0]["option_list"]][-1] == "5 kg / Hộp"
    assert [(m.model_sku, m.original_price, m.stock) for m in item.models][-1] == ("GAO-0003-5", 240_000, 4)
    assert VariantBinding.objects.filter(listing=binding).count() == 3
