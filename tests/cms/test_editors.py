"""Content editors write the journey, the guides and the FAQs, submit them for review, and touch nothing else."""

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth.models import Group

from accounts.roles import Role
from cms.permissions import REVIEWER_GROUP, section_permissions_ensure
from tests.cms.factories import add_step, guide_index, home, journey, translate
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def staff_member(client, *groups):
    user = UserFactory(roles=[Role.CONTENT_EDITOR])
    for name in groups:
        user.groups.add(Group.objects.get(name=name))
    TOTP.activate(user, generate_totp_secret())
    client.force_login(user)
    return user


def test_editor_can_write_steps_and_guides(client):
    # given
    editor = staff_member(client)
    step = add_step(title="Bước có sẵn")
    # then
    assert client.get(f"/admin/pages/add/cms/onboardingsteppage/{journey().pk}/").status_code == 200
    assert client.get(f"/admin/pages/add/cms/guidepage/{guide_index().pk}/").status_code == 200
    assert client.get(f"/admin/pages/{step.pk}/edit/").status_code == 200
    assert client.get("/admin/snippets/cms/frequentlyaskedquestion/add/").status_code == 200
    permissions = step.permissions_for_user(editor)
    assert permissions.can_edit() and not permissions.can_publish() and not permissions.can_delete()


def test_editor_cannot_touch_anything_but_content(client):
    # given
    editor = staff_member(client)
    # then
    assert client.get(f"/admin/pages/{home().pk}/edit/").status_code != 200
    assert client.get(f"/admin/pages/add/cms/onboardingjourneypage/{home().pk}/").status_code != 200
    assert client.get("/admin/users/").status_code != 200
    assert client.get("/admin/groups/").status_code != 200
    assert client.get("/admin/sites/").status_code != 200
    assert client.get("/admin/locales/").status_code != 200
    assert client.get("/django-admin/").status_code == 302
    home_permissions = home().permissions_for_user(editor)
    assert not home_permissions.can_edit() and not home_permissions.can_add_subpage()


def test_publishing_goes_through_review_by_a_reviewer(client):
    # given
    step = add_step(title="Bản nháp", publish=False)
    reviewer = UserFactory()
    reviewer.groups.add(Group.objects.get(name=REVIEWER_GROUP))
    editor = UserFactory(roles=[Role.CONTENT_EDITOR])
    # then
    workflow = step.get_workflow()
    assert workflow.name == "Journey and guides review"
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == [REVIEWER_GROUP]
    assert step.permissions_for_user(reviewer).can_publish()
    assert not step.permissions_for_user(editor).can_publish()
    assert step.permissions_for_user(editor).can_submit_for_moderation()
    assert guide_index().get_workflow() == workflow


def test_english_sections_get_the_same_editor_rights():
    # given an English journey made after the migration
    english_journey = translate(journey(), title="Selling online journey")
    editor = UserFactory(roles=[Role.CONTENT_EDITOR])
    assert not english_journey.permissions_for_user(editor).can_add_subpage()
    # when
    section_permissions_ensure()
    # then (a fresh user object: Wagtail caches permissions on it)
    editor = type(editor).objects.get(pk=editor.pk)
    assert english_journey.permissions_for_user(editor).can_add_subpage()
    assert section_permissions_ensure() == 0  # idempotent


def test_business_members_cannot_open_the_admin(client):
    from tests.factories import owner_user

    client.force_login(owner_user())
    assert client.get(f"/admin/pages/{journey().pk}/").status_code == 302


def test_editor_preview_shows_a_draft_with_every_marketplace_section(rf):
    # given a draft change to a live step
    from tests.cms.factories import block

    step = add_step(title="Xem trước", body=[block("rich_text", "<p>Bản đã đăng</p>")])
    step.body = [block("rich_text", "<p>Bản nháp mới</p>"),
                 block("marketplace_section", {"marketplace": "tiki", "heading": "Riêng cho Tiki",
                                               "content": [block("rich_text", "<p>Giấy tờ theo ngành</p>")]})]
    request = rf.get("/")
    request.user = UserFactory(roles=[Role.CONTENT_EDITOR])
    # when
    response = step.make_preview_request(original_request=request)
    # then
    html = response.content.decode()
    assert "Bản nháp mới" in html and "Bản đã đăng" not in html
    assert "Riêng cho Tiki" in html
