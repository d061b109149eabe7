"""An existing database that loaded the six wrong old -> new rows: the migrations drop them and place the
register entries that were waiting for a person to choose between the right ward and Phường Cao Lãnh."""

import importlib

import pytest
from django.apps import apps

from adoption.models import RegisterEntry, RegisterEntryHistory
from sme.businesses.models import AdministrativeUnit, LegacyToNewUnit, LegalForm

from .factories import ward

pytestmark = pytest.mark.django_db


def _run(app_module: str, name: str) -> None:
    importlib.import_module(f"{app_module}.migrations.{name}").forwards(apps, None)


def test_the_wrong_rows_are_dropped_and_waiting_addresses_placed():
    # given: the state before the fix, for old Phường 3 of Sa Đéc (29902)
    old = AdministrativeUnit.objects.legacy_communes().get(code="29902")
    cao_lanh, sa_dec = ward("29869"), ward("29905")
    LegacyToNewUnit.objects.filter(legacy=old).update(is_ambiguous=True)
    LegacyToNewUnit.objects.create(legacy=old, new=cao_lanh, is_default=False, is_ambiguous=True)
    waiting = RegisterEntry.objects.create(
        identifier="0100101192", name="Công ty TNHH Phường 3", legal_form=LegalForm.LLC_ONE_MEMBER,
        legacy_commune=old, legacy_district=old.parent, needs_address_review=True,
        ward_candidates=["29905", "29869"])
    earlier = RegisterEntryHistory.objects.create(
        entry=waiting, valid_to="2026-01-31", name=waiting.name, legal_form=waiting.legal_form, status="operating",
        legacy_commune=old, legacy_district=old.parent, needs_address_review=True, ward_candidates=["29905", "29869"])
    gao_giong = AdministrativeUnit.objects.legacy_communes().get(code="30079")
    divided = RegisterEntry.objects.create(
        identifier="0100100079", name="Công ty TNHH Gáo Giồng", legal_form=LegalForm.LLC_ONE_MEMBER,
        legacy_commune=gao_giong, needs_address_review=True, ward_candidates=["30088", "30025"])

    # when
    _run("sme.businesses", "0009_resolution_1663_mapping")
    _run("adoption", "0004_resolve_single_candidate_addresses")

    # then: one unambiguous row; both states placed in Phường Sa Đéc; the divided commune still waits
    assert list(old.new_units.values_list("new__code", "is_default", "is_ambiguous")) == [("29905", True, False)]
    for record in (waiting, earlier):
        record.refresh_from_db()
        assert (record.ward, record.needs_address_review, record.ward_candidates) == (sa_dec, False, ["29905"])
    divided.refresh_from_db()
    assert divided.needs_address_review and divided.ward is None
