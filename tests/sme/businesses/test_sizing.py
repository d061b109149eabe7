"""Decree 80/2021 size classes: every boundary for both sector groups, thresholds read from the database."""

import pytest
from django.core.exceptions import ValidationError

from sme.businesses.models import (
    MainSector,
    SectorGroup,
    SizeAssessment,
    SizeClass,
    SizeProvenance,
    SizeThreshold,
)
from sme.businesses.selectors import size_assessment_current, size_thresholds_for
from sme.businesses.services import size_assessment_record
from sme.businesses.sizing import size_class_compute

from .factories import BusinessFactory, HouseholdFactory

pytestmark = pytest.mark.django_db
BN = 1_000_000_000
AGRI, TRADE = SectorGroup.AGRICULTURE_INDUSTRY, SectorGroup.TRADE_SERVICES


def classify(group, headcount, revenue, capital):
    return size_class_compute(thresholds=size_thresholds_for(sector_group=group, fiscal_year=2025),
                              insured_headcount=headcount, prior_year_revenue_vnd=revenue,
                              total_capital_vnd=capital)


# (group, headcount, revenue, capital, expected). Each limit at, and one above, the boundary.
BOUNDARIES = [
    # agriculture, forestry, fishery; industry and construction: 10/3/3, 100/50/20, 200/200/100
    (AGRI, 10, 3 * BN, 999 * BN, SizeClass.MICRO),
    (AGRI, 10, 999 * BN, 3 * BN, SizeClass.MICRO),
    (AGRI, 11, 1, 1, SizeClass.SMALL),
    (AGRI, 10, 3 * BN + 1, 3 * BN + 1, SizeClass.SMALL),
    (AGRI, 100, 50 * BN, 999 * BN, SizeClass.SMALL),
    (AGRI, 100, 999 * BN, 20 * BN, SizeClass.SMALL),
    (AGRI, 101, 1, 1, SizeClass.MEDIUM),
    (AGRI, 100, 50 * BN + 1, 20 * BN + 1, SizeClass.MEDIUM),
    (AGRI, 200, 200 * BN, 999 * BN, SizeClass.MEDIUM),
    (AGRI, 200, 999 * BN, 100 * BN, SizeClass.MEDIUM),
    (AGRI, 201, 1, 1, SizeClass.NOT_SME),
    (AGRI, 200, 200 * BN + 1, 100 * BN + 1, SizeClass.NOT_SME),
    # trade and services: 10/10/3, 50/100/50, 100/300/100
    (TRADE, 10, 10 * BN, 999 * BN, SizeClass.MICRO),
    (TRADE, 10, 999 * BN, 3 * BN, SizeClass.MICRO),
    (TRADE, 11, 1, 1, SizeClass.SMALL),
    (TRADE, 10, 10 * BN + 1, 3 * BN + 1, SizeClass.SMALL),
    (TRADE, 50, 100 * BN, 999 * BN, SizeClass.SMALL),
    (TRADE, 50, 999 * BN, 50 * BN, SizeClass.SMALL),
    (TRADE, 51, 1, 1, SizeClass.MEDIUM),
    (TRADE, 50, 100 * BN + 1, 50 * BN + 1, SizeClass.MEDIUM),
    (TRADE, 100, 300 * BN, 999 * BN, SizeClass.MEDIUM),
    (TRADE, 100, 999 * BN, 100 * BN, SizeClass.MEDIUM),
    (TRADE, 101, 1, 1, SizeClass.NOT_SME),
    (TRADE, 100, 300 * BN + 1, 100 * BN + 1, SizeClass.NOT_SME),
]


@pytest.mark.parametrize(("group", "headcount", "revenue", "capital", "expected"), BOUNDARIES)
def test_size_class_boundaries(group, headcount, revenue, capital, expected):
    assert classify(group, headcount, revenue, capital) == expected


def test_headcount_must_pass_even_when_money_is_tiny():
    # 60 insured staff in trade is above the small limit (50) however small the revenue
    assert classify(TRADE, 60, 1, 1) == SizeClass.MEDIUM


def test_new_enterprise_without_revenue_is_sized_by_capital_alone():
    assert classify(TRADE, 3, None, 3 * BN) == SizeClass.MICRO
    assert classify(TRADE, 3, None, 3 * BN + 1) == SizeClass.SMALL


def test_same_figures_differ_by_sector_group():
    # 5 staff, 8 bn revenue, 5 bn capital: small in agriculture (revenue limit 3 bn) but micro in trade (10 bn)
    assert classify(AGRI, 5, 8 * BN, 5 * BN) == SizeClass.SMALL
    assert classify(TRADE, 5, 8 * BN, 5 * BN) == SizeClass.MICRO


def test_thresholds_come_from_the_database():
    # given an officer lowers the trade micro revenue limit from a later date
    import datetime

    SizeThreshold.objects.create(sector_group=TRADE, size_class=SizeClass.MICRO, max_insured_headcount=10,
                                 max_revenue_vnd=5 * BN, max_capital_vnd=3 * BN,
                                 valid_from=datetime.date(2027, 1, 1))

    # when / then: 2025 uses the decree's limits, 2027 the new row
    kwargs = {"insured_headcount": 5, "prior_year_revenue_vnd": 8 * BN, "total_capital_vnd": 9 * BN}
    assert size_class_compute(thresholds=size_thresholds_for(sector_group=TRADE, fiscal_year=2025),
                              **kwargs) == SizeClass.MICRO
    assert size_class_compute(thresholds=size_thresholds_for(sector_group=TRADE, fiscal_year=2027),
                              **kwargs) == SizeClass.SMALL


def test_record_stores_inputs_and_provenance(django_user_model):
    # given
    business = BusinessFactory(main_sector=MainSector.G)

    # when
    assessment = size_assessment_record(
        business=business, fiscal_year=2025, insured_headcount=12, prior_year_revenue_vnd=20 * BN,
        total_capital_vnd=5 * BN, provenance=SizeProvenance.DECLARED, recorded_by=business.created_by)

    # then
    assessment.refresh_from_db()
    assert assessment.size_class == SizeClass.SMALL
    assert assessment.sector_group == TRADE
    assert (assessment.insured_headcount, assessment.prior_year_revenue_vnd, assessment.total_capital_vnd) == (
        12, 20 * BN, 5 * BN)
    assert assessment.provenance == SizeProvenance.DECLARED


def test_verified_assessment_wins_over_declared_for_the_same_year():
    # given
    business = BusinessFactory(main_sector=MainSector.G)
    common = {"business": business, "fiscal_year": 2025, "prior_year_revenue_vnd": BN,
              "total_capital_vnd": BN, "recorded_by": business.created_by}
    size_assessment_record(insured_headcount=5, provenance=SizeProvenance.DECLARED, **common)
    size_assessment_record(insured_headcount=30, provenance=SizeProvenance.VERIFIED, **common)

    # when
    current = size_assessment_current(business=business)

    # then
    assert current.provenance == SizeProvenance.VERIFIED
    assert current.size_class == SizeClass.SMALL
    assert SizeAssessment.objects.filter(business=business).count() == 2


def test_household_gets_no_size_class():
    # given
    household = HouseholdFactory()

    # when
    with pytest.raises(ValidationError) as excinfo:
        size_assessment_record(business=household, fiscal_year=2025, insured_headcount=2,
                               prior_year_revenue_vnd=BN, total_capital_vnd=BN,
                               provenance=SizeProvenance.DECLARED, recorded_by=household.created_by)

    # then
    assert excinfo.value.code == "household"
    assert SizeAssessment.objects.count() == 0


def test_year_before_the_decree_has_no_thresholds():
    business = BusinessFactory()
    with pytest.raises(ValidationError) as excinfo:
        size_assessment_record(business=business, fiscal_year=2020, insured_headcount=2,
                               prior_year_revenue_vnd=BN, total_capital_vnd=BN,
                               provenance=SizeProvenance.DECLARED, recorded_by=business.created_by)
    assert excinfo.value.code == "no_thresholds"
    assert SizeAssessment.objects.count() == 0
