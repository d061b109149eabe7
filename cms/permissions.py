"""Editor and reviewer rights on the journey and guide sections, in every language tree.

Migration 0005 grants them on the Vietnamese sections; a translated section (the English journey, say)
is a separate page tree, so whoever creates it (the seeder, or a superuser translating) calls
``section_permissions_ensure`` to give the groups the same rights there. Idempotent.
"""

from django.contrib.auth.models import Group, Permission
from wagtail.models import GroupPagePermission, Page

from accounts.roles import Role

REVIEWER_GROUP = "Content reviewers"
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page", "lock_page", "unlock_page")
REVIEWER_PAGE_PERMISSIONS = (*EDITOR_PAGE_PERMISSIONS, "publish_page", "delete_page")


def section_pages() -> list[Page]:
    """Every journey and guide index page, in every language."""
    from .models import GuideIndexPage, OnboardingJourneyPage

    return [*OnboardingJourneyPage.objects.all(), *GuideIndexPage.objects.all()]


def section_permissions_ensure() -> int:
    """Give editors and reviewers their rights on every section page; returns how many rows were added."""
    grants = []
    editors = Group.objects.filter(name=Role.CONTENT_EDITOR).first()
    if editors is not None:
        grants.append((editors, EDITOR_PAGE_PERMISSIONS))
    reviewers = Group.objects.filter(name=REVIEWER_GROUP).first()
    if reviewers is not None:
        grants.append((reviewers, REVIEWER_PAGE_PERMISSIONS))
    permissions = {p.codename: p for p in Permission.objects.filter(
        content_type__app_label="wagtailcore", content_type__model="page")}
    added = 0
    for page in section_pages():
        for group, codenames in grants:
            for codename in codenames:
                _row, created = GroupPagePermission.objects.get_or_create(
                    group=group, page=page, permission=permissions[codename])
                added += created
    return added
