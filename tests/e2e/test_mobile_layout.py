"""Public and account pages fit a 360 px phone screen without sideways scrolling."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = ["/", "/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]


def test_pages_fit_a_360px_screen_and_label_every_field(live_server, page):
    page.set_viewport_size({"width": 360, "height": 740})
    too_wide, unlabeled = {}, {}

    for path in PAGES:
        page.goto(live_server.url + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            too_wide[path] = width
        # every visible form field has a label a screen reader can announce
        names = page.evaluate(
            """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
                  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
                  .map(el => el.name)"""
        )
        if names:
            unlabeled[path] = names

    assert too_wide == {}
    assert unlabeled == {}
