"""The adoption records in the Django admin: superusers and staff officers can look them up; what is
imported, decided or computed cannot be changed there; a target edited there keeps its history."""

import datetime

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from adoption.indicator import snapshot_store
from adoption.models import (
    AdoptionTarget,
    ApiToken,
    DeclaredShop,
    RegisterEntry,
    RegisterEntryHistory,
    SnapshotJob,
    SnapshotRow,
    SnapshotRun,
)
from adoption.services import api_token_create
from tests.factories import UserFactory

from .factories import officer

pytestmark = pytest.mark.django_db

MODELS = ("registerentry", "registerimport", "declaredshop", "declarationevent", "adoptiontarget",
          "adoptiontargetversion", "snapshotrun", "snapshotrow", "snapshotjob", "apitoken")
READ_ONLY = ("registerentry", "declaredshop", "snapshotrun", "snapshotrow", "snapshotjob", "apitoken")


def superuser():
    user = UserFactory(is_staff=True, is_superuser=True)
    TOTP.activate(user, generate_totp_secret())
    return user


@pytest.fixture
def records(province):
    snapshot_store(day=province.day)
    SnapshotJob.objects.create(day=province.day, status="done", progress=100, requested_at=SnapshotRun.objects.get(
        ).computed_at)
    api_token_create(user=province.officer, name="Superset")
    return {
        "registerentry": RegisterEntry.objects.first(),
        "declaredshop": DeclaredShop.objects.first(),
        "snapshotrun": SnapshotRun.objects.get(),
        "snapshotrow": SnapshotRow.objects.first(),
        "snapshotjob": SnapshotJob.objects.get(),
        "apitoken": ApiToken.objects.get(),
        "adoptiontarget": AdoptionTarget.objects.first(),
    }


@pytest.mark.parametrize("who", ["superuser", "staff officer"])
def test_superusers_and_staff_officers_open_every_adoption_record(client, records, who):
    # given
    client.force_login(superuser() if who == "superuser" else officer(is_staff=True))

    # then: every list and every record opens
    assert client.get("/django-admin/").status_code == 200
    for model in MODELS:
        assert client.get(f"/django-admin/adoption/{model}/").status_code == 200, model
    for model, record in records.items():
        response = client.get(f"/django-admin/adoption/{model}/{record.pk}/change/")
        assert response.status_code == 200, model


@pytest.mark.parametrize("who", ["superuser", "staff officer"])
def test_imported_decided_and_computed_records_cannot_be_changed_in_the_admin(client, records, who):
    # given
    client.force_login(superuser() if who == "superuser" else officer(is_staff=True))
    row = records["snapshotrow"]
    before = (row.denominator, row.verified, row.online)

    # then
    for model in READ_ONLY:
        assert client.get(f"/django-admin/adoption/{model}/add/").status_code == 403, model
        page = client.get(f"/django-admin/adoption/{model}/{records[model].pk}/change/").content.decode()
        assert 'name="_save"' not in page, model
    response = client.post(f"/django-admin/adoption/snapshotrow/{row.pk}/change/",
                           {"denominator": 0, "verified": 0, "online": 0})
    assert response.status_code == 403
    row.refresh_from_db()
    assert (row.denominator, row.verified, row.online) == before
    assert client.post(f"/django-admin/adoption/snapshotrun/{records['snapshotrun'].pk}/delete/",
                       {"post": "yes"}).status_code == 403
    assert SnapshotRun.objects.count() == 1


def test_the_token_page_never_shows_the_token_hash(client, records):
    # given
    client.force_login(superuser())
    token = records["apitoken"]

    # when
    page = client.get(f"/django-admin/adoption/apitoken/{token.pk}/change/").content.decode()

    # then
    assert token.prefix in page
    assert token.token_hash not in page


def test_staff_without_the_officer_role_cannot_see_adoption_records(client, records):
    # given
    user = UserFactory(is_staff=True)
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)

    # then
    assert client.get("/django-admin/adoption/snapshotrow/").status_code == 403
    assert client.get("/django-admin/adoption/registerentry/").status_code == 403


def test_a_target_edited_in_the_admin_keeps_its_history(client, records):
    # given the seeded 55% target with one version
    admin_user = superuser()
    client.force_login(admin_user)
    target = records["adoptiontarget"]
    versions = target.versions.count()

    # when
    response = client.post(f"/django-admin/adoption/adoptiontarget/{target.pk}/change/", {
        "name": target.name, "percent": "60", "deadline": "2030-12-31", "legal_basis": target.legal_basis,
        "is_active": "on",
        "versions-TOTAL_FORMS": str(versions), "versions-INITIAL_FORMS": str(versions),
        "versions-MIN_NUM_FORMS": "0", "versions-MAX_NUM_FORMS": "1000",
    })

    # then
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert (float(target.percent), target.deadline) == (60.0, datetime.date(2030, 12, 31))
    assert target.versions.count() == versions + 1
    latest = target.versions.order_by("-changed_at", "-pk").first()
    assert (float(latest.percent), latest.changed_by) == (60.0, admin_user)
    # and it cannot be deleted (made inactive instead, so its history stays)
    assert client.post(f"/django-admin/adoption/adoptiontarget/{target.pk}/delete/",
                       {"post": "yes"}).status_code == 403


def test_an_entry_page_lists_its_earlier_states_with_their_dates(client, records):
    # given: an entry whose earlier state (suspended until 29 June 2026) a later register replaced
    entry = records["registerentry"]
    RegisterEntryHistory.objects.create(entry=entry, valid_to=datetime.date(2026, 6, 29), name="Tên cũ của hộ",
                                        legal_form=entry.legal_form, status="suspended")
    client.force_login(officer(is_staff=True))

    # when
    page = client.get(f"/django-admin/adoption/registerentry/{entry.pk}/change/").content.decode()

    # then
    assert "Tên cũ của hộ" in page and "June 29, 2026" in page
