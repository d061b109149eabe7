"""Factories for the adoption tests: register entries, listings on given days, declarations, officers."""

import datetime
from zoneinfo import ZoneInfo

import factory
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.roles import Role
from adoption.models import DeclarationStatus, DeclaredShop, RegisterEntry, RegisterStatus, ShopChannel
from marketplace_connectors.models import AccountStatus, ListingBinding, ListingStatus, MarketplaceAccount
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


def listing(business: Business, *, published: datetime.datetime, status: str = ListingStatus.LIVE,
            changed: datetime.datetime | None = None, marketplace: str = "shopee") -> ListingBinding:
    """A listing of ``business`` published at ``published``; when not live, ``changed`` is when it left."""
    account = MarketplaceAccount.objects.filter(business=business, marketplace=marketplace).first()
    if account is None:
        account = MarketplaceAccount.objects.create(business=business, marketplace=marketplace,
                                                    external_shop_id=str(next(_shop)), status=AccountStatus.ACTIVE)
    product = Product.objects.create(business=business, key=f"P{next(_shop)}", name="Xoài cát Hòa Lộc")
    binding = ListingBinding.objects.create(account=account, product=product, external_id=str(next(_shop)),
                                            status=status, published_at=published)
    # updated_at is auto_now: set it afterwards to when the status last changed.
    ListingBinding.objects.filter(pk=binding.pk).update(updated_at=changed or published)
    binding.refresh_from_db()
    return binding


def declaration(business: Business, *, status: str = DeclarationStatus.PENDING, decided: datetime.datetime | None = None,
                channel: str = ShopChannel.POSTMART, decided_by=None, reason: str = "") -> DeclaredShop:
    return DeclaredShop.objects.create(
        business=business, channel=channel, url=f"https://postmart.vn/shop/{business.pk}-{next(_shop)}",
        evidence_link="https://postmart.vn/evidence", status=status, decided_at=decided, decided_by=decided_by,
        rejection_reason=reason)


__all__ = ["BusinessFactory", "HouseholdFactory", "RegisterEntryFactory", "declaration", "listing", "local",
           "officer", "on_register", "ward"]
