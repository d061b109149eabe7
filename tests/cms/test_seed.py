"""seed_demo's journey: complete, bilingual, idempotent, and every page renders."""

import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import Page

from accounts.roles import Role
from cms.demo import seed_journey
from cms.models import FrequentlyAskedQuestion, GuidePage, OnboardingStepPage
from tests.cms.factories import en, journey, owner_of, vi
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"lorem|ipsum|todo|tbd|xxx|placeholder|: summary", re.IGNORECASE)


def test_seed_builds_a_bilingual_journey_once():
    # when
    seed_journey()
    counts = (Page.objects.count(), FrequentlyAskedQuestion.objects.count())
    seed_journey()
    # then idempotent
    assert (Page.objects.count(), FrequentlyAskedQuestion.objects.count()) == counts
    steps = list(OnboardingStepPage.objects.live().filter(locale=vi()).order_by("path"))
    assert len(steps) >= 8
    for step in steps:
        english = step.get_translation_or_none(en())
        assert english is not None and english.live, step.title
        english = english.specific
        assert english.title != step.title
        assert english.checklist_item_ids() == step.checklist_item_ids()
        for page in (step, english):
            text = " ".join([page.title, page.summary, str(page.body.raw_data)])
            assert not PLACEHOLDER.search(text), page.title
    rules = {s.completion_rule for s in steps}
    assert rules == {"automatic", "checklist", "mark_done"}
    assert {s.milestone for s in steps if s.milestone} >= {
        "profile_complete", "first_product", "first_product_with_image", "first_marketplace_connected",
        "first_listing_live", "first_order_received", "ten_active_products"}
    assert GuidePage.objects.live().filter(locale=vi()).count() >= 5
    assert GuidePage.objects.live().filter(locale=en()).count() >= 5
    assert FrequentlyAskedQuestion.objects.filter(locale=vi()).count() == \
        FrequentlyAskedQuestion.objects.filter(locale=en()).count() >= 5
    # editors may write the English journey too
    editor = UserFactory(roles=[Role.CONTENT_EDITOR])
    assert journey().get_translation(en()).permissions_for_user(editor).can_add_subpage()
    assert Group.objects.get(name=Role.CONTENT_EDITOR)


def test_every_seeded_page_renders_in_both_languages(client):
    # given
    seed_journey()
    business, owner = owner_of()
    client.force_login(owner)
    urls = [p.url for p in Page.objects.live().filter(locale=vi(), depth__gte=2).specific()]
    # when Vietnamese
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "cms-translation-notice" not in response.content.decode()
    dashboard = client.get(reverse("cms:journey")).content.decode()
    assert '<progress id="journey-progress" value="0"' in dashboard
    assert "Đăng ký kinh doanh và biết quy mô của mình" in dashboard
    # when English
    owner.preferred_language = "en"
    owner.save()
    for url in urls:
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200 and 'lang="en"' in html, url
        assert "cms-translation-notice" not in html, url
    dashboard = client.get(reverse("cms:journey")).content.decode()
    assert "Register your business and know your size" in dashboard
    # a company does not see the household-only tax step
    assert "Household business tax when selling online" not in dashboard
