"""Lazada's category suggestion for a product's name, through the service the publish step uses."""

import pytest

from marketplace_connectors.sync.metadata import category_recommendation
from marketplace_connectors.sync.session import ShopSession

pytestmark = pytest.mark.django_db


def test_the_publish_step_gets_lazadas_suggested_leaf_category(connected, lazada):
    assert category_recommendation(session=ShopSession(connected), name="Xoài sấy dẻo Cao Lãnh túi 200 g") == "10000102"


def test_a_name_lazada_finds_nothing_for_means_no_suggestion(connected, lazada):
    assert category_recommendation(session=ShopSession(connected), name="zzz") == ""
