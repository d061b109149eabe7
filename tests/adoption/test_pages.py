"""The dashboard's banner, breakdown flags and sorting, the drill-down and the funnel on known data."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from adoption.indicator import snapshot_store
from adoption.selectors import drilldown, funnel

from .conftest import D
from .factories import BusinessFactory, listing, local, officer

pytestmark = pytest.mark.django_db


def test_without_register_every_page_says_the_denominator_is_the_platform(client):
    client.force_login(officer())
    snapshot_store(day=timezone.localdate())
    html = client.get(reverse("adoption:dashboard")).content.decode()
    assert "No register imported." in html


def test_with_a_register_there_is_no_banner_and_wards_below_target_are_flagged(client, province):
    client.force_login(province.officer)
    snapshot_store(day=D)
    response = client.get(reverse("adoption:dashboard") + f"?date={D}&by=ward")
    html = response.content.decode()
    assert "No register imported." not in html
    rows = {r["key"]: r for r in response.context["rows"]}
    # Lai Vung 1/3 and Sa Đéc 1/3 are below 55%
    assert rows["30226"]["below_target"] and rows["29905"]["below_target"]
    assert html.count("adoption-below") == len([r for r in rows.values() if r["below_target"]])


def test_breakdown_sorts_by_share(client, province):
    client.force_login(province.officer)
    snapshot_store(day=D)
    url = reverse("adoption:dashboard") + f"?date={D}&by=marketplace&sort=online_share&order=desc"
    rows = client.get(url).context["rows"]
    shares = [r["verified_and_declared_share_percent"] for r in rows]
    assert shares == sorted(shares, reverse=True)
    names = [r["label"] for r in client.get(url.replace("online_share", "label").replace("desc", "asc"))
             .context["rows"]]
    assert names == sorted(names, key=str.casefold)


def test_drilldown_lists_the_businesses_behind_a_ward(province):
    # when
    everyone = drilldown(day=D, series="sme", dimension="ward", key="30226")
    not_online = drilldown(day=D, series="sme", dimension="ward", key="30226", which="not_online")

    # then: A (verified), B and J (not online); C dissolved, G off-register, K large are not listed
    b = province.businesses
    assert {r.member.business_id for r in everyone} == {b["A"].pk, b["B"].pk, b["J"].pk}
    assert {r.member.business_id for r in not_online} == {b["B"].pk, b["J"].pk}
    a_row = next(r for r in everyone if r.member.business_id == b["A"].pk)
    assert a_row.verified and a_row.channels == "Shopee" and a_row.phone == b["A"].phone


def test_drilldown_of_declared_only_and_of_the_outreach_list(province):
    declared = drilldown(day=D, series="sme", dimension="total", key="", which="declared_only")
    assert [r.member.business_id for r in declared] == [province.businesses["F"].pk]
    outreach = [r for r in drilldown(day=D, series="sme", dimension="total", key="") if r.member.business_id is None]
    assert {r.member.name for r in outreach} == {"Doanh nghiệp H chưa lên sàn", "Doanh nghiệp I địa chỉ cũ"}


def test_drilldown_page_and_its_csv_agree(client, province):
    client.force_login(province.officer)
    query = f"?date={D}&series=sme&dimension=ward&key=30226&which=not_online"
    page = client.get(reverse("adoption:drilldown") + query)
    csv_text = client.get(reverse("adoption:export", args=["businesses", "csv"]) + query).content.decode("utf-8-sig")
    assert len(page.context["rows"]) == 2
    table = csv_text.split("\n\n")[0]  # the notes follow an empty line
    assert len(table.strip().splitlines()) == 1 + 2


def test_funnel_counts_each_step_and_every_step_before(db):
    # given: three SMEs on the platform (no register); one has a product and a live listing
    today = timezone.localdate()
    live = BusinessFactory()
    listing(live, published=local(today - datetime.timedelta(days=1)))
    BusinessFactory()
    BusinessFactory(phone="")  # profile incomplete

    # when
    steps = {s.key: s.count for s in funnel(day=today)}

    # then
    assert steps["denominator"] == 3 and steps["registered"] == 3
    assert steps["profile_complete"] == 2
    assert steps["first_product"] == 1
    assert steps["first_marketplace_connected"] == 1
    assert steps["first_listing_live"] == 1
    assert steps["order_90"] == 0  # orders arrive with issue 5


def test_funnel_page_renders_the_chart_and_table(client):
    client.force_login(officer())
    html = client.get(reverse("adoption:funnel")).content.decode()
    assert "<svg" in html and 'data-step="registered"' in html


def test_register_review_page_resolves_an_old_address(client, province):
    from adoption.models import RegisterEntry

    entry = RegisterEntry.objects.get(needs_address_review=True)
    client.force_login(province.officer)
    page = client.get(reverse("adoption:register_review"))
    assert entry.name in page.content.decode()
    client.post(reverse("adoption:register_resolve", args=[entry.pk]), {f"e{entry.pk}-ward": "30088"})
    entry.refresh_from_db()
    assert entry.ward.code == "30088" and entry.address_resolved_by == province.officer


def test_the_methods_note_is_on_a_page_and_in_the_docs(client):
    from pathlib import Path

    # when
    client.force_login(officer())
    html = client.get(reverse("adoption:methods")).content.decode()
    doc = (Path(__file__).resolve().parents[2] / "docs" / "indicator.md").read_text(encoding="utf-8")

    # then: both say how this census differs from VECOM's sample survey and what follows for officers
    for text in (html, doc):
        assert "VECOM" in text and "E-Business Index" in text
        assert "Compare directions, not levels" in text
    assert reverse("adoption:methods") in client.get(reverse("adoption:targets")).content.decode()  # in the menu


def test_a_page_in_vietnamese_explains_the_methods(client):
    user = officer()
    user.preferred_language = "vi"
    user.save()
    client.force_login(user)
    html = client.get(reverse("adoption:methods")).content.decode()
    assert "Ghi chú phương pháp: số đếm toàn bộ, không phải khảo sát" in html
    assert "So sánh xu hướng, không so sánh mức" in html
