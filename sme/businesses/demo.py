"""Demo businesses for ``seed_demo``: a household business in Lai Vung and a lotus company in Tháp Mười.

Both are owned by the demo owner (created by ``accounts.demo.seed_users``, which runs first). Idempotent:
running it again updates the same two businesses. The identifiers are made up (the tax code only passes the
check-digit rule); ``DEMO_BUSINESS_IDENTIFIERS`` lets other seeders (the catalog) find the businesses.
"""

import datetime

from accounts.demo import DemoLogin
from accounts.models import User

from .models import (
    AdministrativeUnit,
    Business,
    ConsentRecord,
    LegalForm,
    MainSector,
    MemberRole,
    Membership,
    OcopGroup,
    OcopProduct,
    SizeProvenance,
)
from .phones import phone_normalise
from .privacy import privacy_notice_current
from .services import consent_record, size_assessment_record

DEMO_OWNER_EMAIL = "owner@demo.dongthap.local"
DEMO_BUSINESS_IDENTIFIERS = {"household": "087186000123", "company": "1401234568"}

BN = 1_000_000_000
DEMO_BUSINESSES = [
    {
        "key": "household",
        "fields": {
            "legal_form": LegalForm.HOUSEHOLD, "legal_name": "Hộ kinh doanh Nguyễn Thị Hoa",
            "trade_name": "Quýt hồng Út Hoa Lai Vung", "main_sector": MainSector.A,
            "street": "Ấp Tân Thạnh", "phone": "0918 123 456", "email": "uthoa.laivung@demo.dongthap.local",
            "founding_year": 2012, "women_owned": True,
        },
        "ward_code": "30226",  # Xã Lai Vung
        "legacy_commune_code": "30226",  # Xã Tân Thành, old Lai Vung district
        "ocop": [
            ("Quýt hồng Lai Vung", 3, OcopGroup.FOOD, "OCOP-DT-2024-0412"),
            ("Nem Lai Vung Út Hoa", 3, OcopGroup.FOOD, "OCOP-DT-2024-0413"),
        ],
        "size": None,
    },
    {
        "key": "company",
        "fields": {
            "legal_form": LegalForm.LLC_ONE_MEMBER, "legal_name": "Công ty TNHH Sen Tháp Mười",
            "trade_name": "Sen Tháp Mười", "main_sector": MainSector.C,
            "street": "Quốc lộ 30, khóm 3", "phone": "0277 3822 468", "email": "lienhe@sentm.demo.dongthap.local",
            "founding_year": 2018, "women_owned": False,
        },
        "ward_code": "30037",  # Xã Tháp Mười
        "legacy_commune_code": None,
        "ocop": [
            ("Trà tim sen Tháp Mười", 4, OcopGroup.BEVERAGES, "OCOP-DT-2023-0107"),
            ("Hạt sen sấy giòn", 3, OcopGroup.FOOD, "OCOP-DT-2023-0108"),
        ],
        "size": {"insured_headcount": 8, "prior_year_revenue_vnd": 6 * BN, "total_capital_vnd": 2_500_000_000},
    },
]


def seed_businesses() -> list[DemoLogin]:
    """Create or update the two demo businesses, their OCOP products, consent and (company) size class."""
    owner = User.objects.get(email=DEMO_OWNER_EMAIL)
    notice = privacy_notice_current()
    for spec in DEMO_BUSINESSES:
        fields = dict(spec["fields"])
        fields["phone"] = phone_normalise(value=fields["phone"])
        fields["ward"] = AdministrativeUnit.objects.current().get(code=spec["ward_code"])
        if spec["legacy_commune_code"]:
            commune = AdministrativeUnit.objects.legacy_communes().get(code=spec["legacy_commune_code"])
            fields.update(legacy_commune=commune, legacy_district=commune.parent)
        business, _created = Business.objects.update_or_create(
            identifier=DEMO_BUSINESS_IDENTIFIERS[spec["key"]], defaults={**fields, "created_by": owner})
        Membership.objects.update_or_create(business=business, user=owner, defaults={"role": MemberRole.OWNER})
        for name, stars, group, certificate in spec["ocop"]:
            OcopProduct.objects.update_or_create(
                business=business, name=name,
                defaults={"stars": stars, "product_group": group, "certificate_no": certificate,
                          "issued_on": datetime.date(2024, 6, 1), "expires_on": datetime.date(2027, 6, 1)})
        if not ConsentRecord.objects.filter(user=owner, business=business, notice_version=notice.version).exists():
            consent_record(user=owner, notice=notice, language="vi", business=business)
        if spec["size"]:
            size_assessment_record(business=business, fiscal_year=2025, provenance=SizeProvenance.DECLARED,
                                   recorded_by=owner, **spec["size"])
    return []
