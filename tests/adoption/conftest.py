"""A small province built by hand, with known answers on D = 2026-06-15 (see test_indicator.py)."""

import datetime
from dataclasses import dataclass

import pytest

from adoption.models import DeclarationStatus, RegisterStatus, ShopChannel
from marketplace_connectors.models import ListingStatus
from sme.businesses.models import AdministrativeUnit, LegalForm, SizeClass

from .factories import (
    BusinessFactory,
    HouseholdFactory,
    RegisterEntryFactory,
    declaration,
    listing,
    local,
    officer,
    on_register,
    ward,
)

D = datetime.date(2026, 6, 15)


@dataclass
class Province:
    day: datetime.date
    officer: object
    businesses: dict


@pytest.fixture
def province(db) -> Province:
    """SME denominator on D: A, B, E, F, H, I, J = 7; verified: A = 1; verified + declared: A, F = 2.

    - A (Lai Vung): small LLC, listing live on Shopee since D-10: verified.
    - B (Lai Vung): micro LLC, listing delisted at 23:30 on D-1: not online.
    - C (Lai Vung): dissolved on the register, still a live listing: not in the denominator.
    - D (Lai Vung): household with a live listing: household series only.
    - E (Sa Đéc ward): declaration rejected: not online.
    - F (Sa Đéc ward): Postmart declaration approved on D-2: declared.
    - G: on the platform, not on the register, live listing: not counted.
    - H (Sa Đéc ward): on the register only (no platform business): not online.
    - I: register entry whose old commune (Xã Gáo Giồng) was divided between two new ones: ward "to resolve".
    - J (Lai Vung): listing published on D+1: not live on D.
    - K: a large enterprise (not an SME) with a live listing: left out.
    """
    lai_vung, sa_dec = ward("30226"), ward("29905")
    the_officer = officer()
    b = {}
    b["A"] = BusinessFactory(ward=lai_vung)
    on_register(b["A"], size_class=SizeClass.SMALL)
    listing(b["A"], published=local(D - datetime.timedelta(days=10)))
    b["B"] = BusinessFactory(ward=lai_vung)
    on_register(b["B"], size_class=SizeClass.MICRO)
    listing(b["B"], published=local(D - datetime.timedelta(days=30)), status=ListingStatus.DELISTED,
            changed=local(D - datetime.timedelta(days=1), 23, 30))
    b["C"] = BusinessFactory(ward=lai_vung)
    on_register(b["C"], status=RegisterStatus.DISSOLVED)
    listing(b["C"], published=local(D - datetime.timedelta(days=50)))
    b["D"] = HouseholdFactory(ward=lai_vung)
    on_register(b["D"])
    listing(b["D"], published=local(D - datetime.timedelta(days=5)), marketplace="lazada")
    b["E"] = BusinessFactory(ward=sa_dec)
    on_register(b["E"])
    declaration(b["E"], status=DeclarationStatus.REJECTED, decided=local(D - datetime.timedelta(days=3)),
                decided_by=the_officer, reason="Trang không tồn tại")
    b["F"] = BusinessFactory(ward=sa_dec)
    on_register(b["F"], main_sector="G")
    declaration(b["F"], status=DeclarationStatus.APPROVED, decided=local(D - datetime.timedelta(days=2)),
                decided_by=the_officer, channel=ShopChannel.POSTMART)
    b["G"] = BusinessFactory(ward=lai_vung)
    listing(b["G"], published=local(D - datetime.timedelta(days=20)))
    RegisterEntryFactory(identifier="0100109106", name="Doanh nghiệp H chưa lên sàn", ward=sa_dec)
    old_commune = AdministrativeUnit.objects.legacy_communes().get(code="30079")
    RegisterEntryFactory(identifier="0100100079", name="Doanh nghiệp I địa chỉ cũ", ward=None,
                         legacy_commune=old_commune, legacy_district=old_commune.parent, needs_address_review=True,
                         ward_candidates=["30088", "30025"])
    b["J"] = BusinessFactory(ward=lai_vung)
    on_register(b["J"])
    listing(b["J"], published=local(D + datetime.timedelta(days=1), 8))
    b["K"] = BusinessFactory(ward=lai_vung, legal_form=LegalForm.JOINT_STOCK)
    on_register(b["K"], size_class=SizeClass.NOT_SME)
    listing(b["K"], published=local(D - datetime.timedelta(days=40)))
    return Province(day=D, officer=the_officer, businesses=b)
