"""TikTok Shop's recommended category for a product's name, through the service the publish step uses."""

import pytest

from marketplace_connectors.sync.metadata import category_recommendation
from marketplace_connectors.sync.session import ShopSession

from .conftest import connect_shop_with_rice_mapped

pytestmark = pytest.mark.django_db


def test_the_publish_step_gets_tiktoks_recommended_leaf_category(tiktok):
    connected = connect_shop_with_rice_mapped(tiktok)
    assert category_recommendation(session=ShopSession(connected), name="Xoài sấy dẻo Cao Lãnh túi 200 g") == "600102"


def test_a_title_tiktok_would_refuse_or_cannot_match_means_no_suggestion(tiktok):
    connected = connect_shop_with_rice_mapped(tiktok)
    assert category_recommendation(session=ShopSession(connected), name="Xoài sấy") == ""  # under 25 characters
    assert category_recommendation(session=ShopSession(connected), name="z" * 30) == ""
