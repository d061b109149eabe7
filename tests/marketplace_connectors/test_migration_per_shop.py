"""Migration 0004 (orders and push receipts unique per shop account) keeps every row written in the old shape,
and from then on a second shop may hold the same order id. Run with Django's migration executor on the test
database: back to 0003, rows written with 0003's models, forward again."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from .factories import BusinessFactory

APP = "marketplace_connectors"
BEFORE = [(APP, "0003_listing_paused_for_plan")]
AFTER = [(APP, "0004_orders_push_receipts_per_shop")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_orders_and_push_receipts_written_before_survive_and_a_second_shop_may_reuse_an_order_id():
    business_a, business_b = BusinessFactory(), BusinessFactory()
    try:
        # given rows written while orders and receipts were unique per marketplace
        old = migrate(BEFORE)
        account_model, order_model = old.get_model(APP, "MarketplaceAccount"), old.get_model(APP, "Order")
        receipt_model = old.get_model(APP, "PushReceipt")
        shop_a = account_model.objects.create(business_id=business_a.pk, marketplace="woocommerce",
                                              external_shop_id="https://a.example.vn")
        shop_b = account_model.objects.create(business_id=business_b.pk, marketplace="woocommerce",
                                              external_shop_id="https://b.example.vn")
        now = timezone.now()
        kept = order_model.objects.create(account_id=shop_a.pk, business_id=business_a.pk, marketplace="woocommerce",
                                          external_id="1002", status="pending", ordered_at=now, remote_updated_at=now,
                                          total_vnd=120_000)
        order_model.objects.create(account_id=shop_b.pk, business_id=business_b.pk, marketplace="woocommerce",
                                   external_id="1003", status="pending", ordered_at=now, remote_updated_at=now)
        receipt_model.objects.create(marketplace="woocommerce", event_id="wc:abc", kind="order")
        with pytest.raises(IntegrityError), transaction.atomic():  # the old shape: B cannot hold its #1002
            order_model.objects.create(account_id=shop_b.pk, business_id=business_b.pk, marketplace="woocommerce",
                                       external_id="1002", status="pending", ordered_at=now, remote_updated_at=now)

        # when the migration runs
        new = migrate(AFTER)
        order_model, receipt_model = new.get_model(APP, "Order"), new.get_model(APP, "PushReceipt")

        # then every row is still there, unchanged
        assert sorted(order_model.objects.values_list("account_id", "external_id")) == [
            (shop_a.pk, "1002"), (shop_b.pk, "1003")]
        assert order_model.objects.get(pk=kept.pk).total_vnd == 120_000
        assert list(receipt_model.objects.values_list("marketplace", "event_id", "account_id")) == [
            ("woocommerce", "wc:abc", None)]
        # and shop B now holds its own order #1002, and its own receipt with A's event id
        order_model.objects.create(account_id=shop_b.pk, business_id=business_b.pk, marketplace="woocommerce",
                                   external_id="1002", status="pending", ordered_at=now, remote_updated_at=now)
        receipt_model.objects.create(account_id=shop_a.pk, marketplace="woocommerce", event_id="wc:abc")
        receipt_model.objects.create(account_id=shop_b.pk, marketplace="woocommerce", event_id="wc:abc")
        # but one shop still cannot hold one order, or one receipt, twice
        with pytest.raises(IntegrityError), transaction.atomic():
            order_model.objects.create(account_id=shop_a.pk, business_id=business_a.pk, marketplace="woocommerce",
                                       external_id="1002", status="pending", ordered_at=now, remote_updated_at=now)
        with pytest.raises(IntegrityError), transaction.atomic():
            receipt_model.objects.create(account_id=shop_a.pk, marketplace="woocommerce", event_id="wc:abc")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
