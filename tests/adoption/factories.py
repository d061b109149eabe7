"""Factories for the adoption tests: register entries, listings on given days, declarations, officers."""

import datetime
from zoneinfo import ZoneInfo

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.roles import Role
from adoption.models import DeclarationStatus, DeclaredShop, RegisterEntry, RegisterStatus, ShopChannel
from marketplace_connectors import sync
from marketplace_connectors.base import OrderStatus, RemoteOrder, RemoteOrderLine
from marketplace_connectors.models import (
    AccountStatus,
    ListingBinding,
    ListingStatus,
    ListingStatusChange,
    MarketplaceAccount,
    Order,
)
from marketplace_connectors.sync import listing_status_record
from sme.businesses.models import Business, LegalForm, SizeClass
from sme.catalog.models import Product
from tests.factories import UserFactory
from tests.sme.businesses.factories import BusinessFactory, HouseholdFactory, ward  # noqa: F401

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(day: datetime.date, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """An aware datetime at ``hour:minute`` on ``day`` in Đồng Tháp."""
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=TZ)


def officer(**kwargs):
    user = UserFactory(roles=[Role.TRADE_OFFICER], preferred_language="en", **kwargs)
    TOTP.activate(user, generate_totp_secret())
    return user


class RegisterEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisterEntry

    identifier = factory.Sequence(lambda n: f"9{n:09d}")
    name = factory.Sequence(lambda n: f"Doanh nghiệp sổ bộ {n}")
    legal_form = LegalForm.LLC_ONE_MEMBER
    size_class = SizeClass.SMALL
    status = RegisterStatus.OPERATING
    main_sector = "C"
    ward = factory.LazyFunction(ward)


def on_register(business: Business, **kwargs) -> RegisterEntry:
    """The register entry of a platform business (same identifier)."""
    defaults = {"identifier": business.identifier, "name": business.legal_name, "legal_form": business.legal_form,
                "ward": business.ward}
    if business.legal_form == LegalForm.HOUSEHOLD:
        defaults["size_class"] = ""
    return RegisterEntryFactory(**{**defaults, **kwargs})


_shop = iter(range(1, 10**6))


def shop(business: Business, marketplace: str = "shopee") -> MarketplaceAccount:
    """The business's connected shop on ``marketplace`` (made on first use)."""
    account = MarketplaceAccount.objects.filter(business=business, marketplace=marketplace).first()
    if account is None:
        account = MarketplaceAccount.objects.create(business=business, marketplace=marketplace,
                                                    external_shop_id=str(next(_shop)), status=AccountStatus.ACTIVE)
    return account


def listing(business: Business, *, published: datetime.datetime | None, status: str = ListingStatus.LIVE,
            changed: datetime.datetime | None = None, marketplace: str = "shopee") -> ListingBinding:
    """A listing of ``business`` published at ``published`` with no status history (as listings published
    before the status log existed); when not live, ``changed`` is when it left."""
    account = shop(business, marketplace)
    product = Product.objects.create(business=business, key=f"P{next(_shop)}", name="Xoài cát Hòa Lộc")
    binding = ListingBinding.objects.create(account=account, product=product, external_id=str(next(_shop)),
                                            status=status, published_at=published)
    # updated_at is auto_now: set it afterwards to when the status last changed.
    ListingBinding.objects.filter(pk=binding.pk).update(updated_at=changed or published)
    binding.refresh_from_db()
    return binding


def history(binding: ListingBinding, *changes: tuple[str, datetime.datetime]) -> ListingBinding:
    """Log the listing's status changes (status, when) as the sync records them, and leave the listing in the
    last status, as marketplace_connectors does."""
    for status, at in changes:
        listing_status_record(binding_id=binding.pk, status=status)
        ListingStatusChange.objects.filter(pk=ListingStatusChange.objects.filter(listing=binding).latest("pk").pk
                                           ).update(changed_at=at)
        ListingBinding.objects.filter(pk=binding.pk).update(status=status, updated_at=at)
    binding.refresh_from_db()
    return binding


def order(business: Business, *, placed: datetime.datetime, marketplace: str = "shopee",
          status: str = OrderStatus.PENDING, external_id: str | None = None) -> Order:
    """An order of the business's shop placed at ``placed``, imported as the connectors import them."""
    remote = RemoteOrder(
        external_id=external_id or f"DT{next(_shop)}", status=OrderStatus(status),
        marketplace_status=str(status).upper(), created_at=placed, updated_at=placed + datetime.timedelta(minutes=5),
        lines=(RemoteOrderLine(sku="XOAI-1", quantity=1, unit_price_vnd=120_000, status=OrderStatus(status)),),
    )
    created, _changed = sync.order_apply(account=shop(business, marketplace), remote=remote)
    return created


def declaration(business: Business, *, status: str = DeclarationStatus.PENDING, decided: datetime.datetime | None = None,
                channel: str = ShopChannel.POSTMART, decided_by=None, reason: str = "") -> DeclaredShop:
    return DeclaredShop.objects.create(
        business=business, channel=channel, url=f"https://postmart.vn/shop/{business.pk}-{next(_shop)}",
        evidence_link="https://postmart.vn/evidence", status=status, decided_at=decided, decided_by=decided_by,
        rejection_reason=reason)


__all__ = ["BusinessFactory", "HouseholdFactory", "RegisterEntryFactory", "declaration", "history", "listing",
           "local", "officer", "on_register", "order", "shop", "ward"]
