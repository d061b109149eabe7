"""What every page carries for an owner on a phone: the icon, the menu with the journey first; and words
that keep their meaning in Wagtail's admin (our marketplace and catalog terms have their own context)."""

import glob
import os

import pytest
import wagtail
from babel.messages.pofile import read_po
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, pgettext

from accounts.context_processors import NAV_ENTRIES
from tests.factories import owner_user

pytestmark = pytest.mark.django_db


def test_every_page_names_its_icon_and_the_browsers_default_address_leads_to_it(client):
    html = client.get(reverse("account_login")).content.decode()
    assert 'rel="icon" href="/static/favicon.svg"' in html

    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert client.get(response["Location"]).status_code == 200


def test_an_owners_menu_folds_behind_one_button_with_getting_started_first(client):
    client.force_login(owner_user())

    html = client.get(reverse("accounts:dashboard")).content.decode()

    header = html[html.index("<header"):html.index("</header>")]
    assert 'aria-controls="site-menu"' in header and 'aria-expanded="false"' in header
    links = [chunk.split(">", 1)[1].split("<", 1)[0] for chunk in header.split("<li><a ")[1:]]
    assert links[0] == "Bắt đầu"
    assert links[-1] == "Đăng xuất"
    assert NAV_ENTRIES[0][1] == "cms:journey"




def _wagtail_msgids() -> set[str]:
    root = os.path.dirname(wagtail.__file__)
    ids = set()
    for path in glob.glob(f"{root}/**/locale/en/LC_MESSAGES/django.po", recursive=True):
        with open(path, "rb") as po:
            ids |= {m.id for m in read_po(po) if isinstance(m.id, str) and m.id and not m.context}
    return ids


def test_wagtails_admin_strings_never_take_a_marketplace_or_catalog_meaning():
    with translation.override("vi"):
        words = {pgettext(*key) for key in (("listing status", "Live"), ("catalog status", "Active"),
                                            ("marketplace sync", "Publish"), ("team role", "Owner"))}
        assert words == {"Đang bán trên sàn", "Đang kinh doanh", "Đăng bán", "Chủ cơ sở"}
        leaked = {msgid: gettext(msgid) for msgid in _wagtail_msgids() if gettext(msgid) in words | {"Đang bán"}}
        # Wagtail's page status and publish button read as Wagtail means them
        assert leaked == {}
        assert gettext("Publish") == "Xuất bản"
        assert gettext("Live") == "Live"
