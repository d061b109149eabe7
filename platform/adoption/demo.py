"""Demo data for ``seed_demo``: a small register and a year of history, so the dashboard has a trend.

Idempotent: businesses, register entries, listings and declarations are found by fixed keys and updated;
the year of snapshots (daily for the last quarter, weekly and month ends before) is recomputed (same data,
same numbers). ``manage.py adoption_backfill`` fills in every day if wanted. Identifiers are made up (the tax codes
only pass the check-digit rule). The demo businesses belong to no one (``created_by`` is the demo owner
but they have no members), so they do not crowd the demo owner's business switcher.
"""

from __future__ import annotations

import datetime

from django.utils import timezone
from stdnum.vn import mst

from accounts.demo import DemoLogin
from accounts.models import User
from marketplace_connectors.models import AccountStatus, ListingBinding, ListingStatus, MarketplaceAccount
from sme.businesses.models import AdministrativeUnit, Business, LegalForm
from sme.catalog.models import Product, ProductStatus

from .evidence import local_zone
from .indicator import PopulationData, snapshot_store
from .models import DeclarationEvent, DeclarationStatus, DeclaredShop, RegisterEntry, RegisterStatus
from .services import declaration_valid_until

DEMO_OWNER_EMAIL = "owner@demo.dongthap.local"
DEMO_OFFICER_EMAIL = "officer@demo.dongthap.local"
HISTORY_DAYS = 365
DAILY_DAYS = 92

# (ward code, name stem, legal form, sector, size, days ago it went online or None, marketplace or channel)
WARDS = ["30226", "29905", "29869", "30037", "28261", "28306"]
STEMS = ["Xoài Cát", "Sen Tháp Mười", "Hoa Sa Đéc", "Quýt Hồng", "Bánh Phồng Tôm", "Khô Cá Lóc", "Nem Lai Vung",
         "Gạo Hòa Bình", "Vú Sữa Lò Rèn", "Hủ Tiếu Mỹ Tho", "Mãng Cầu Tân Phú", "Tinh Dầu Tràm"]


def _tax_code(n: int) -> str:
    seq = 9100 + n
    while True:
        prefix = f"14{seq:07d}"
        check = mst.calc_check_digit(prefix)
        if check != "10":
            return prefix + check
        seq += 1000


def _demo_rows() -> list[dict]:
    rows = []
    for i in range(30):
        household = i % 5 == 4
        online_days_ago = None
        channel = "shopee" if i % 3 else "lazada"
        if i < 17:
            online_days_ago = 350 - i * 20  # one more business online every ~3 weeks
        elif i in (17, 18):
            online_days_ago = 120 - (i - 17) * 60
            channel = "postmart" if i == 17 else "facebook"
        rows.append({
            "key": i, "identifier": f"087186{500 + i:06d}" if household else _tax_code(i),
            "name": (f"Hộ kinh doanh {STEMS[i % len(STEMS)]} {i + 1}" if household
                     else f"Công ty TNHH {STEMS[i % len(STEMS)]} {i + 1}"),
            "legal_form": LegalForm.HOUSEHOLD if household else (
                LegalForm.LLC_ONE_MEMBER if i % 2 else LegalForm.JOINT_STOCK if i % 7 == 0
                else LegalForm.COOPERATIVE if i in (6, 16) else LegalForm.LLC_MULTI_MEMBER),
            "ward": WARDS[i % len(WARDS)], "sector": "A" if i % 3 == 0 else "C" if i % 3 == 1 else "G",
            "size": "" if household else ("micro" if i % 2 else "small"),
            "on_platform": i < 24, "online_days_ago": online_days_ago, "channel": channel,
        })
    return rows


def seed_adoption() -> list[DemoLogin]:
    owner = User.objects.filter(email=DEMO_OWNER_EMAIL).first()
    officer = User.objects.filter(email=DEMO_OFFICER_EMAIL).first()
    if owner is None:
        return []
    today = timezone.localdate()
    units = {u.code: u for u in AdministrativeUnit.objects.current()}
    for row in _demo_rows():
        ward = units.get(row["ward"])
        RegisterEntry.objects.update_or_create(identifier=row["identifier"], defaults={
            "name": row["name"], "legal_form": row["legal_form"], "main_sector": row["sector"],
            "size_class": row["size"], "status": RegisterStatus.OPERATING, "ward": ward,
            "source": "Dữ liệu minh họa", "as_of": datetime.date(today.year, 1, 1)})
        if not row["on_platform"]:
            continue
        business, _created = Business.objects.update_or_create(identifier=row["identifier"], defaults={
            "legal_form": row["legal_form"], "legal_name": row["name"], "main_sector": row["sector"], "ward": ward,
            "phone": f"+8491{row['key']:07d}", "street": "Ấp 1", "created_by": owner})
        if row["online_days_ago"] is None:
            continue
        when = datetime.datetime.combine(today - datetime.timedelta(days=row["online_days_ago"]),
                                         datetime.time(9, 0), tzinfo=local_zone())
        if row["channel"] in ("shopee", "lazada"):
            _demo_listing(business, marketplace=row["channel"], published=when)
        else:
            _demo_declaration(business, channel=row["channel"], decided=when, officer=officer)
    # Two businesses the register knows by an old address only, and two that stopped.
    _old_address_entries()
    # One declaration waiting for the officer.
    waiting = Business.objects.filter(identifier=_demo_rows()[20]["identifier"]).first()
    if waiting is not None and not DeclaredShop.objects.filter(business=waiting).exists():
        shop = DeclaredShop.objects.create(business=waiting, channel="voso", url="https://voso.vn/shop/demo-20",
                                           evidence_link="https://voso.vn/shop/demo-20", submitted_by=owner)
        DeclarationEvent.objects.create(shop=shop, action=DeclarationEvent.Action.SUBMITTED, actor=owner)
    _store_history(today)
    return []


def _store_history(today: datetime.date) -> None:
    """Daily snapshots for the last quarter; before that weekly and every month's last day (enough for the
    monthly and quarterly trend, and quick to seed)."""
    data = PopulationData()
    start = today - datetime.timedelta(days=HISTORY_DAYS - 1)
    day = start
    while day <= today:
        month_end = (day + datetime.timedelta(days=1)).day == 1
        if day >= today - datetime.timedelta(days=DAILY_DAYS) or month_end or (day - start).days % 7 == 0:
            snapshot_store(day=day, data=data)
        day += datetime.timedelta(days=1)


def _demo_listing(business: Business, *, marketplace: str, published: datetime.datetime) -> None:
    account, _ = MarketplaceAccount.objects.get_or_create(
        marketplace=marketplace, external_shop_id=f"demo-{business.identifier}",
        defaults={"business": business, "shop_name": business.legal_name, "status": AccountStatus.ACTIVE,
                  "connected_at": published})
    product, _ = Product.objects.get_or_create(business=business, key="DEMO-1", defaults={
        "name": business.legal_name.replace("Công ty TNHH ", "").replace("Hộ kinh doanh ", ""),
        "status": ProductStatus.ACTIVE})
    binding, _ = ListingBinding.objects.get_or_create(account=account, product=product, defaults={
        "external_id": f"demo-{business.identifier}-1", "status": ListingStatus.LIVE})
    ListingBinding.objects.filter(pk=binding.pk).update(status=ListingStatus.LIVE, published_at=published,
                                                        updated_at=published)


def _demo_declaration(business: Business, *, channel: str, decided: datetime.datetime, officer) -> None:
    url = f"https://{channel}.example/demo-{business.identifier}"
    shop, created = DeclaredShop.objects.get_or_create(business=business, url=url, defaults={
        "channel": channel, "evidence_link": url, "status": DeclarationStatus.APPROVED, "decided_at": decided,
        "decided_by": officer, "valid_until": declaration_valid_until(approved_on=decided.date())})
    if created:
        DeclarationEvent.objects.create(shop=shop, action=DeclarationEvent.Action.APPROVED, actor=officer)


def _old_address_entries() -> None:
    # Old Xã Gáo Giồng was divided between Phong Mỹ and Phú Cường (Resolution 1663): an officer picks.
    old = AdministrativeUnit.objects.legacy_communes().filter(code="30079").select_related("parent").first()
    if old is not None:
        RegisterEntry.objects.get_or_create(identifier=_tax_code(40), defaults={
            "name": "Công ty TNHH Bột Gạo Gáo Giồng", "legal_form": LegalForm.LLC_MULTI_MEMBER, "main_sector": "C",
            "size_class": "micro", "legacy_commune": old, "legacy_district": old.parent,
            "needs_address_review": True, "ward_candidates": ["30088", "30025"], "source": "Dữ liệu minh họa"})
    for n, status in ((41, RegisterStatus.DISSOLVED), (42, RegisterStatus.SUSPENDED)):
        RegisterEntry.objects.get_or_create(identifier=_tax_code(n), defaults={
            "name": f"Công ty TNHH Ngừng Hoạt Động {n}", "legal_form": LegalForm.LLC_ONE_MEMBER, "status": status,
            "size_class": "micro", "ward": AdministrativeUnit.objects.current().filter(code="30226").first(),
            "source": "Dữ liệu minh họa"})
