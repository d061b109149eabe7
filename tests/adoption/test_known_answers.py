"""A census with known answers for every rule of the indicator, checked on the command, the API, the CSV and
XLSX exports and the page (issue 19).

The register (as of 31/12/2025) is imported through the officers' import. D = 15/06/2026 (Asia/Ho_Chi_Minh).
Wards: Lai Vung 30226 (made of communes of two old districts, so no single old district), Sa Đéc 29905 (old
Sa Đéc city, 867), Cao Lãnh 29869 (old Cao Lãnh city, 866, now that the six wrong mapping rows are gone).

SMEs on the register, operating, with what they do (the rule each shows):

======  ==========  =======  ======  =====  ============================================================
name    ward        section  size    form   evidence on D
======  ==========  =======  ======  =====  ============================================================
S1      Lai Vung    C        small   LLC    Shopee listing live since D-10: verified marketplace
S2      Sa Đéc      G        micro   LLC    Lazada order placed D-90 00:10 (inside the window): verified
S3      Sa Đéc*     G        micro   LLC    Lazada order D-91 23:50 (outside): nothing. *Old address only
                                            (Phường 4 of old Sa Đéc, 29908): placed in 29905, old district 867
S4      Cao Lãnh    I        small   LLC    WooCommerce listing live: own web shop line only
S5      Cao Lãnh    A        medium  JSC    Postmart declaration approved D-30: declared marketplace
S6      Lai Vung    G        micro   LLC    Facebook declaration approved D-15: social selling line only
S7      Lai Vung    C        micro   LLC    Voso approval expired D-36: nothing
S8      Sa Đéc      G        micro   LLC    Sendo approved D-30, withdrawn D-5: nothing on D (counts on D-10)
S9      Lai Vung    C        small   JSC    no activity itself; its branch S9-001 (on the platform, not on
                                            the register) has a Tiki listing since D-3: verified for S9
S10     Sa Đéc      G        micro   LLC    register only (no platform business): nothing
S11     Cao Lãnh    I        small   LLC    Lazada listing since D-5 (verified) and an own-website
                                            declaration: headline and own web shop line
======  ==========  =======  ======  =====  ============================================================

Not SMEs: S9-002 (a branch on the register: never a member), H1 (household, Shopee live: household series),
C1 (cooperative, Postmart approved) and C2 (cooperative, nothing): cooperative series; L1 (large, Shopee
live), X1 (dissolved, Shopee live): in no series; a household row with personal ID 097… is refused by the
import (097 is no province code). U1 (on the platform, not on the register, Shopee live) is the one business
selling through the platform that the register does not list; U2 (not on the register, no activity) is not.

By hand, SMEs on D (denominator 11):

- verified = S1, S2, S9, S11 = 4 -> 4/11 = 36.4%; verified + declared = + S5 = 5 -> 45.5%;
  own web shop = S4, S11 = 2 (18.2%); social = S6 = 1 (9.1%); other site = 0 (0.0%);
  gap = ceil(55% x 11 = 6.05) = 7 - 5 = 2 (verified only: 7 - 4 = 3).
- households 1 / 1 / 1; cooperatives 2 / 0 / 1 (50.0%); OCOP 0; not on the register, selling: 1 (U1).
- ward (denominator, verified, verified + declared): 30226 S1 S6 S7 S9 = (4, 2, 2), below target;
  29905 S2 S3 S8 S10 = (4, 1, 1), below target; 29869 S4 S5 S11 = (3, 1, 2), not below (66.7%).
- old district: 866 = (3, 1, 2); 867 = (4, 1, 1); unknown (Lai Vung) = (4, 2, 2).
- sector group: agriculture/industry (A, C) = (4, 2, 3); trade/services (G, I) = (7, 2, 2).
- VSIC section: A = (1, 0, 1); C = (3, 2, 2); G = (5, 1, 1); I = (2, 1, 1).
- size: small = (4, 3, 3); micro = (6, 1, 1); medium = (1, 0, 1).
- legal form: one-member LLC = (9, 3, 3); joint-stock = (2, 1, 2).
- marketplace (over the 11; verified there, verified or declared there; no "below target" on any): Shopee (1, 1),
  Lazada (2, 2), Tiki (1, 1) and Postmart (0, 1) are marketplaces; WooCommerce (1, 1: S4) and own website (0, 1: S11)
  are own web shops; Facebook (0, 1) is social selling. Voso (expired) and Sendo (withdrawn) are absent.

On D-10 (15 days of history later nothing changes for it): S1 (published D-10), S2 and S3 (orders inside
[D-100, D-10]) are verified = 3; with S5 and S8 (withdrawn only on D-5) verified + declared = 5.
"""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from stdnum.vn import mst

from adoption.indicator import snapshot_store
from adoption.models import DeclarationStatus, DeclaredShop, RegisterEntry, RegisterImport, ShopChannel
from adoption.services import api_token_create, register_import_confirm, register_import_create
from sme.businesses.models import Business, LegalForm

from .conftest import D
from .factories import BusinessFactory, declaration, listing, local, officer, order, ward

pytestmark = pytest.mark.django_db

HEADER = "Mã số thuế,Tên doanh nghiệp,Loại hình,Mã xã/phường,Huyện cũ,Xã cũ,Ngành,Quy mô,Tình trạng,Ngày số liệu\n"


def tax(n: int) -> str:
    """A valid tax code of its own (prefix 08, not the factories' 14)."""
    seq = 5_000_000 + n
    while mst.calc_check_digit(f"08{seq:07d}") == "10":
        seq += 1000
    return f"08{seq:07d}" + mst.calc_check_digit(f"08{seq:07d}")


CODES = {name: tax(n) for n, name in enumerate(
    ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S10", "S11", "C1", "C2", "L1", "X1", "U1", "U2"], 1)}
CODES["S9-001"] = CODES["S9"] + "-001"
CODES["S9-002"] = CODES["S9"] + "-002"
CODES["H1"] = "087186000111"

# name, legal form, new ward, old district, old commune, section, size, status
REGISTER = [
    ("S1", "TNHH 1TV", "30226", "", "", "C", "nhỏ", "đang hoạt động"),
    ("S2", "TNHH 1TV", "29905", "", "", "G", "siêu nhỏ", "đang hoạt động"),
    ("S3", "TNHH 1TV", "", "867", "29908", "G", "siêu nhỏ", "đang hoạt động"),
    ("S4", "TNHH 1TV", "29869", "", "", "I", "nhỏ", "đang hoạt động"),
    ("S5", "cổ phần", "29869", "", "", "A", "vừa", "đang hoạt động"),
    ("S6", "TNHH 1TV", "30226", "", "", "G", "siêu nhỏ", "đang hoạt động"),
    ("S7", "TNHH 1TV", "30226", "", "", "C", "siêu nhỏ", "đang hoạt động"),
    ("S8", "TNHH 1TV", "29905", "", "", "G", "siêu nhỏ", "đang hoạt động"),
    ("S9", "cổ phần", "30226", "", "", "C", "nhỏ", "đang hoạt động"),
    ("S9-002", "cổ phần", "29905", "", "", "C", "nhỏ", "đang hoạt động"),
    ("S10", "TNHH 1TV", "29905", "", "", "G", "siêu nhỏ", "đang hoạt động"),
    ("S11", "TNHH 1TV", "29869", "", "", "I", "nhỏ", "đang hoạt động"),
    ("H1", "hộ kinh doanh", "30226", "", "", "G", "", "đang hoạt động"),
    ("C1", "hợp tác xã", "30226", "", "", "A", "", "đang hoạt động"),
    ("C2", "hợp tác xã", "29905", "", "", "A", "", "đang hoạt động"),
    ("L1", "cổ phần", "30226", "", "", "C", "lớn", "đang hoạt động"),
    ("X1", "TNHH 1TV", "30226", "", "", "C", "nhỏ", "giải thể"),
]
BAD_HOUSEHOLD = "097186000222,Hộ kinh doanh sai mã tỉnh,hộ kinh doanh,30226,,,G,,đang hoạt động,31/12/2025"

FORMS = {"TNHH 1TV": LegalForm.LLC_ONE_MEMBER, "cổ phần": LegalForm.JOINT_STOCK, "hộ kinh doanh": LegalForm.HOUSEHOLD,
         "hợp tác xã": LegalForm.COOPERATIVE}
ON_PLATFORM = ["S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9", "S9-001", "S11", "H1", "C1", "L1", "X1", "U1",
               "U2"]

SME_HEADLINE = {"denominator": 11, "verified": 4, "verified_share_percent": 36.4, "verified_and_declared": 5,
                "verified_and_declared_share_percent": 45.5, "own_web_shop": 2, "own_web_shop_share_percent": 18.2,
                "social_selling": 1, "social_selling_share_percent": 9.1, "other_site": 0,
                "other_site_share_percent": 0.0, "gap_verified_and_declared": 2, "gap_verified": 3}
# (series, dimension, key) -> (denominator, verified, verified + declared)
CELLS = {
    ("sme", "ward", "30226"): (4, 2, 2), ("sme", "ward", "29905"): (4, 1, 1), ("sme", "ward", "29869"): (3, 1, 2),
    ("sme", "old_district", "866"): (3, 1, 2), ("sme", "old_district", "867"): (4, 1, 1),
    ("sme", "old_district", ""): (4, 2, 2),
    ("sme", "sector", "agriculture_industry"): (4, 2, 3), ("sme", "sector", "trade_services"): (7, 2, 2),
    ("sme", "section", "A"): (1, 0, 1), ("sme", "section", "C"): (3, 2, 2), ("sme", "section", "G"): (5, 1, 1),
    ("sme", "section", "I"): (2, 1, 1),
    ("sme", "size", "small"): (4, 3, 3), ("sme", "size", "micro"): (6, 1, 1), ("sme", "size", "medium"): (1, 0, 1),
    ("sme", "legal_form", "llc_one_member"): (9, 3, 3), ("sme", "legal_form", "joint_stock"): (2, 1, 2),
    ("sme", "marketplace", "shopee"): (11, 1, 1), ("sme", "marketplace", "lazada"): (11, 2, 2),
    ("sme", "marketplace", "tiki"): (11, 1, 1), ("sme", "marketplace", "postmart"): (11, 0, 1),
    ("sme", "marketplace", "woocommerce"): (11, 1, 1), ("sme", "marketplace", "own_website"): (11, 0, 1),
    ("sme", "marketplace", "facebook"): (11, 0, 1),
    ("household", "total", ""): (1, 1, 1), ("cooperative", "total", ""): (2, 0, 1), ("ocop", "total", ""): (0, 0, 0),
}
KINDS = {"shopee": "marketplace", "lazada": "marketplace", "tiki": "marketplace", "postmart": "marketplace",
         "woocommerce": "own_web_shop", "own_website": "own_web_shop", "facebook": "social"}


@pytest.fixture
def census(db, django_capture_on_commit_callbacks):
    """The register imported by an officer, the platform businesses and their activity (see the docstring)."""
    the_officer = officer()
    rows = [f"{CODES[name]},Cơ sở {name},{form},{ward_code},{district},{commune},{section},{size},{status},31/12/2025"
            for name, form, ward_code, district, commune, section, size, status in REGISTER]
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("so-bo.csv", (HEADER + "\n".join([*rows, BAD_HOUSEHOLD])).encode(), "text/csv")
    job = register_import_create(actor=the_officer, upload=upload)
    assert [p["code"] for p in job.problems] == ["identifier"]  # the 097 household, nothing else
    with django_capture_on_commit_callbacks(execute=True):
        assert register_import_confirm(job=job)
    entries = {e.identifier: e for e in RegisterEntry.objects.all()}
    assert len(entries) == len(REGISTER)

    b = {}
    for name in ON_PLATFORM:
        entry = entries.get(CODES[name])
        form = entry.legal_form if entry else LegalForm.LLC_ONE_MEMBER
        if name == "S9-001":
            form = LegalForm.JOINT_STOCK
        b[name] = BusinessFactory(identifier=CODES[name], legal_form=form, legal_name=f"Cơ sở {name}",
                                  ward=entry.ward if entry else ward("29905"), phone="+84901234567")

    def days(n):
        return datetime.timedelta(days=n)

    listing(b["S1"], published=local(D - days(10)))
    order(b["S2"], placed=local(D - days(90), 0, 10), marketplace="lazada")
    order(b["S3"], placed=local(D - days(91), 23, 50), marketplace="lazada")
    listing(b["S4"], published=local(D - days(20)), marketplace="woocommerce")
    approved(b["S5"], ShopChannel.POSTMART, decided=D - days(30), the_officer=the_officer)
    approved(b["S6"], ShopChannel.FACEBOOK, decided=D - days(15), the_officer=the_officer)
    approved(b["S7"], ShopChannel.VOSO, decided=D - days(400), valid_until=D - days(36), the_officer=the_officer)
    sendo = approved(b["S8"], ShopChannel.SENDO, decided=D - days(30), the_officer=the_officer)
    DeclaredShop.objects.filter(pk=sendo.pk).update(status=DeclarationStatus.WITHDRAWN,
                                                    withdrawn_at=local(D - days(5), 9), withdrawn_by=the_officer)
    listing(b["S9-001"], published=local(D - days(3)), marketplace="tiki")
    listing(b["S11"], published=local(D - days(5)), marketplace="lazada")
    approved(b["S11"], ShopChannel.OWN_WEBSITE, decided=D - days(40), the_officer=the_officer)
    listing(b["H1"], published=local(D - days(8)))
    approved(b["C1"], ShopChannel.POSTMART, decided=D - days(20), the_officer=the_officer)
    for name in ("L1", "X1", "U1"):
        listing(b[name], published=local(D - days(2)))
    assert Business.objects.count() == len(ON_PLATFORM)
    return the_officer


def approved(business, channel, *, decided, the_officer, valid_until=None):
    shop = declaration(business, status=DeclarationStatus.APPROVED, decided=local(decided), channel=channel,
                       decided_by=the_officer)
    shop.valid_until = valid_until or decided + datetime.timedelta(days=364)
    shop.save(update_fields=["valid_until"])
    return shop


def _command(*args) -> str:
    out = io.StringIO()
    call_command("adoption_report", *args, "--language", "en", stdout=out)
    return out.getvalue()


def _cells(breakdowns: dict) -> dict:
    return {(r["series"], r["dimension"], r["key"]): r for rows in breakdowns.values() for r in rows}


def _check_report(report: dict) -> None:
    sme = report["series"]["sme"]
    assert {k: sme[k] for k in SME_HEADLINE} == SME_HEADLINE
    assert sme["below_target"] is True
    assert report["target"]["judged_on"] == "verified_and_declared"
    assert report["not_on_register_selling"] == 1
    assert report["denominator"]["source"] == "register" and report["register_as_of"] == "2025-12-31"
    cells = _cells(report["breakdowns"])
    for (series, dimension, key), expected in CELLS.items():
        row = report["series"][series] if dimension == "total" else cells[(series, dimension, key)]
        assert (row["denominator"], row["verified"], row["verified_and_declared"]) == expected, (series, dimension, key)
    marketplace = {k: r for (s, d, k), r in cells.items() if s == "sme" and d == "marketplace"}
    assert set(marketplace) == set(KINDS)  # no Voso (expired), no Sendo (withdrawn)
    assert {k: r["channel_kind"] for k, r in marketplace.items()} == KINDS
    assert all(r["below_target"] is None for r in marketplace.values())
    assert cells[("sme", "ward", "30226")]["below_target"] and cells[("sme", "ward", "29905")]["below_target"]
    assert cells[("sme", "ward", "29869")]["below_target"] is False


def test_the_command_and_the_api_give_the_known_answers(client, census):
    # given: D stored (the nightly job, or the background job a request asked for)
    snapshot_store(day=D)
    _record, token = api_token_create(user=census, name="BI")
    client.force_login(census)  # labels in the officer's language (English), as the command's

    # when
    command = json.loads(_command("--date", D.isoformat(), "--by", "all"))
    api = client.get(reverse("adoption:api_indicator") + f"?date={D}&by=all",
                     HTTP_AUTHORIZATION=f"Bearer {token}").json()
    command_csv = _command("--date", D.isoformat(), "--by", "all", "--format", "csv")

    # then
    _check_report(command)
    assert api["series"] == command["series"] and api["breakdowns"] == command["breakdowns"]
    assert api["definitions"] == command["definitions"] and api["denominator"] == command["denominator"]
    table, notes = command_csv.split("\n\n", 1)
    rows = list(csv.DictReader(io.StringIO(table)))
    sme = next(r for r in rows if r["series"] == "sme" and r["dimension"] == "total")
    assert (sme["denominator"], sme["verified"], sme["verified_and_declared"], sme["own_web_shop"],
            sme["social_selling"]) == ("11", "4", "5", "2", "1")
    woo = next(r for r in rows if r["series"] == "sme" and r["key"] == "woocommerce")
    assert (woo["channel_kind"], woo["below_target"]) == ("own_web_shop", "")
    assert "What is a marketplace" in notes and "The province's register" in notes


def test_the_history_rules_on_an_earlier_day(client, census):
    # when: D-10, when S3's order was inside the window and S8's declaration not yet withdrawn
    earlier = D - datetime.timedelta(days=10)
    command = json.loads(_command("--date", earlier.isoformat()))
    snapshot_store(day=earlier)
    _record, token = api_token_create(user=census, name="BI")
    api = client.get(reverse("adoption:api_indicator") + f"?date={earlier}",
                     HTTP_AUTHORIZATION=f"Bearer {token}").json()

    # then
    for report in (command, api):
        sme = report["series"]["sme"]
        assert (sme["denominator"], sme["verified"], sme["verified_and_declared"]) == (11, 3, 5)


def test_both_exports_give_the_known_answers(client, census):
    # given
    snapshot_store(day=D)
    client.force_login(census)

    for by in ("ward", "old_district", "section", "marketplace"):
        # when
        query = f"?date={D}&by={by}"
        csv_rows = list(csv.reader(io.StringIO(client.get(
            reverse("adoption:export", args=["breakdown", "csv"]) + query).content.decode("utf-8-sig"))))
        book = openpyxl.load_workbook(io.BytesIO(client.get(
            reverse("adoption:export", args=["breakdown", "xlsx"]) + query).content))

        # then: every SME cell of the dimension, with its counts and shares
        expected = {k: v for (s, d, k), v in CELLS.items() if s == "sme" and d == by}
        from_csv = {r[2]: (int(r[5]), int(r[6]), int(r[8])) for r in csv_rows[1:] if len(r) > 8 and r[0] == "SMEs"}
        from_xlsx = {(r[2] or ""): (r[5], r[6], r[8]) for r in book.worksheets[0].iter_rows(min_row=2, values_only=True)
                     if r[0] == "SMEs"}
        assert from_csv == expected and from_xlsx == expected, by
    # the kind of each channel, and no "below target" per marketplace
    marketplace_rows = {r[2]: r for r in book.worksheets[0].iter_rows(min_row=2, values_only=True) if r[0] == "SMEs"}
    assert marketplace_rows["woocommerce"][4] == "Own web shop" and marketplace_rows["facebook"][4] == "Social selling"
    assert {r[-1] for r in marketplace_rows.values()} == {None}

    headline_csv = list(csv.reader(io.StringIO(client.get(
        reverse("adoption:export", args=["headline", "csv"]) + f"?date={D}").content.decode("utf-8-sig"))))
    sme = next(r for r in headline_csv if r and r[0] == "SMEs")
    assert sme[5:16] == ["11", "4", "36.4%", "5", "45.5%", "2", "18.2%", "1", "9.1%", "0", "0.0%"]
    notes = {r[0]: r[1] for r in headline_csv if len(r) == 2}
    assert notes["Selling on the platform, not on the register (not counted)"] == "1"
    headline = openpyxl.load_workbook(io.BytesIO(client.get(
        reverse("adoption:export", args=["headline", "xlsx"]) + f"?date={D}").content)).worksheets[0]
    sme_row = next(r for r in headline.iter_rows(min_row=2, values_only=True) if r[0] == "SMEs")
    assert sme_row[5:16] == (11, 4, 0.364, 5, 0.455, 2, 0.182, 1, 0.091, 0, 0)
    coop_row = next(r for r in headline.iter_rows(min_row=2, values_only=True) if r[0] == "Cooperatives")
    assert coop_row[5:10] == (2, 0, 0, 1, 0.5)


def test_the_page_gives_the_known_answers(client, census):
    # given
    snapshot_store(day=D)
    client.force_login(census)

    # when
    page = client.get(reverse("adoption:dashboard") + f"?date={D}&by=marketplace")
    html = page.content.decode()
    by_district = client.get(reverse("adoption:dashboard") + f"?date={D}&by=old_district")

    # then: the headline and the lines beside it
    assert 'data-figure="verified-share">36.4%' in html and 'data-figure="verified-count">4<' in html
    assert 'data-figure="online-share">45.5%' in html and 'data-figure="online-count">5<' in html
    assert 'data-figure="denominator">11<' in html
    assert "2 more SMEs must sell on a marketplace to reach 55%" in html
    assert "The target is judged on the share of SMEs on a marketplace, verified + declared" in html
    assert 'data-figure="own_web_shop-count">2<' in html and 'data-figure="social_selling-count">1<' in html
    assert 'data-figure="not-on-register">1<' in html
    assert reverse("adoption:register_matching") + "#not-on-register" in html
    assert 'data-series="cooperative"' in html
    # the marketplace breakdown: each channel with its kind, and no "below target" flag
    rows = {r["key"]: r for r in page.context["rows"]}
    assert {k: (r["denominator"], r["verified"], r["verified_and_declared"]) for k, r in rows.items()} == {
        k: v for (s, d, k), v in CELLS.items() if s == "sme" and d == "marketplace"}
    assert "adoption-below" not in html.split('id="breakdown-title"')[1].split("</section>")[0]
    assert 'data-kind="own_web_shop"' in html and 'data-kind="social"' in html
    # the sector groups and the VSIC sections side by side
    sections = {r["key"]: (r["denominator"], r["verified"], r["verified_and_declared"])
                for _title, table in page.context["sector_tables"] for r in table if r["dimension"] == "section"}
    assert sections == {k: v for (s, d, k), v in CELLS.items() if s == "sme" and d == "section"}
    assert 'data-table="section"' in html and "I. Accommodation and food services" in html
    # Phường Cao Lãnh keeps its old district (Thành phố Cao Lãnh, 866)
    districts = {r["key"]: (r["denominator"], r["verified"], r["verified_and_declared"])
                 for r in by_district.context["rows"]}
    assert districts["866"] == (3, 1, 2)
    assert "Thành phố Cao Lãnh" in by_district.content.decode()


def _notes_of_xlsx(content: bytes) -> dict:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return {r[0]: r[1] for r in book["Notes"].iter_rows(values_only=True) if r and r[0]}


def _notes_of_csv(content: bytes) -> dict:
    return {r[0]: r[1] for r in csv.reader(io.StringIO(content.decode("utf-8-sig"))) if len(r) == 2}


def test_the_separate_series_the_unmatched_line_and_the_definitions_agree_on_every_output(client, census):
    # given
    snapshot_store(day=D)
    _record, token = api_token_create(user=census, name="BI")
    client.force_login(census)
    query = f"?date={D}"

    # when
    api = client.get(reverse("adoption:api_indicator") + query, HTTP_AUTHORIZATION=f"Bearer {token}").json()
    headline_csv = client.get(reverse("adoption:export", args=["headline", "csv"]) + query).content
    headline_xlsx = client.get(reverse("adoption:export", args=["headline", "xlsx"]) + query).content
    breakdown_csv = client.get(reverse("adoption:export", args=["breakdown", "csv"]) + query + "&by=marketplace").content
    html = client.get(reverse("adoption:dashboard") + query).content.decode()

    # then: households (H1: 1 / 1 / 1) and cooperatives (C1 declared, C2 nothing: 2 / 0 / 1) are series of
    # their own in the CSV, the XLSX and on the page, as in the API
    csv_rows = {r[0]: r for r in csv.reader(io.StringIO(headline_csv.decode("utf-8-sig"))) if len(r) > 8}
    sheet = openpyxl.load_workbook(io.BytesIO(headline_xlsx)).worksheets[0]
    xlsx_rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    for label, key, expected in (("Household businesses", "household", (1, 1, 1)),
                                 ("Cooperatives", "cooperative", (2, 0, 1))):
        series = api["series"][key]
        assert (series["denominator"], series["verified"], series["verified_and_declared"]) == expected
        assert tuple(int(csv_rows[label][i]) for i in (5, 6, 8)) == expected
        assert tuple(xlsx_rows[label][i] for i in (5, 6, 8)) == expected
        page_line = html.split(f'data-series="{key}">')[1].split("</dd>")[0]
        assert f"({expected[1]}/{expected[0]})" in page_line and f"({expected[2]}/{expected[0]})" in page_line
    # U1, selling through the platform but not on the register: one line everywhere, in no denominator
    line = "Selling on the platform, not on the register (not counted)"
    assert api["not_on_register_selling"] == 1
    assert _notes_of_csv(headline_csv)[line] == "1" and _notes_of_xlsx(headline_xlsx)[line] == 1
    assert 'data-figure="not-on-register">1<' in html
    # the CSV's marketplace rows carry no "below target" either (55% is not a target per marketplace)
    marketplace_rows = [r for r in csv.reader(io.StringIO(breakdown_csv.decode("utf-8-sig")))
                        if len(r) > 8 and r[0] == "SMEs"]
    assert len(marketplace_rows) == 7 and {r[-1] for r in marketplace_rows} == {""}
    # the CSV, the XLSX notes sheet, the API and the page carry the same definitions and denominator source
    definitions = {d["term"]: d["text"] for d in api["definitions"]}
    for notes in (_notes_of_csv(headline_csv), _notes_of_xlsx(headline_xlsx)):
        assert {term: notes.get(term) for term in definitions} == definitions
        assert notes["Denominator source"] == api["denominator"]["description"]
    assert all(f"<dt>{term}</dt>" in html for term in definitions)


def test_expiry_and_withdrawal_are_read_as_they_stood_on_an_earlier_day_on_every_output(client, census):
    """On D-10 S8's Sendo approval was not yet withdrawn (withdrawn on D-5) and S3's order (D-91) was inside
    the window: verified S1 (published D-10), S2, S3 = 3; verified + declared + S5, S8 = 5 (45.5%). S7's
    Voso approval had expired (D-36) already. S9's Tiki listing (D-3) and S11's Lazada listing (D-5) were
    not live yet."""
    # given
    earlier = D - datetime.timedelta(days=10)
    snapshot_store(day=earlier)
    client.force_login(census)
    query = f"?date={earlier}"

    # when
    headline_csv = client.get(reverse("adoption:export", args=["headline", "csv"]) + query).content
    headline_xlsx = client.get(reverse("adoption:export", args=["headline", "xlsx"]) + query).content
    marketplaces_xlsx = client.get(reverse("adoption:export", args=["breakdown", "xlsx"]) + query + "&by=marketplace")
    html = client.get(reverse("adoption:dashboard") + query).content.decode()

    # then
    sme_csv = next(r for r in csv.reader(io.StringIO(headline_csv.decode("utf-8-sig"))) if r and r[0] == "SMEs")
    assert sme_csv[5:10] == ["11", "3", "27.3%", "5", "45.5%"]
    sme_xlsx = next(r for r in openpyxl.load_workbook(io.BytesIO(headline_xlsx)).worksheets[0].iter_rows(
        min_row=2, values_only=True) if r[0] == "SMEs")
    assert sme_xlsx[5:10] == (11, 3, 0.273, 5, 0.455)
    assert 'data-figure="verified-count">3<' in html and 'data-figure="online-count">5<' in html
    channels = {r[2]: (r[5], r[6], r[8]) for r in openpyxl.load_workbook(io.BytesIO(marketplaces_xlsx.content))
                .worksheets[0].iter_rows(min_row=2, values_only=True) if r[0] == "SMEs"}
    assert channels["sendo"] == (11, 0, 1)  # withdrawn later: it counted on that day
    assert "voso" not in channels and "tiki" not in channels  # expired before; not live yet


def test_the_household_whose_personal_id_names_no_province_is_shown_to_the_officer_and_counted_nowhere(client, census):
    """The register's household row 097186000222: 097 is no province code (001 Hà Nội to 096 Cà Mau), so
    the import skipped it; the import's page says why, and the household series is H1 alone (1)."""
    # given
    snapshot_store(day=D)
    client.force_login(census)
    job = RegisterImport.objects.get()

    # when
    page = client.get(reverse("adoption:register_job", args=[job.pk])).content.decode()
    command = json.loads(_command("--date", D.isoformat()))

    # then
    problems = page.split('<table class="problems">')[1].split("</table>")[0]
    assert "097" in problems and problems.count("<tr>") == 2  # the header and the one row
    assert "097 is not one. Check the number on the chip ID card." in problems  # in the officer's language
    assert not RegisterEntry.objects.filter(identifier="097186000222").exists()
    assert command["series"]["household"]["denominator"] == 1
