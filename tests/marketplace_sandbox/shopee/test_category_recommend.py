"""The Shopee sandbox's category_recommend, from docs/marketplaces/shopee.md (category_recommend: ``item_name``
required, answer ``response.category_id`` an int list), by raw signed HTTP, independent of the connector."""

from tests.marketplace_sandbox.shopee.test_conformance import shop_call, sim, tokens  # noqa: F401

PATH = "/api/v2/product/category_recommend"


def test_an_item_name_gets_leaf_category_ids_best_first(sim):  # noqa: F811
    token = tokens(sim)["access_token"]
    # when
    answer = shop_call(sim, "GET", PATH, token, params={"item_name": "Xoài sấy dẻo Cao Lãnh túi 200 g"}).json()
    # then a list of category ids, every one a leaf of get_category, the dried-fruit category first
    leaves = {c["category_id"] for c in sim.categories if not c["has_children"]}
    assert answer["error"] == "" and answer["response"]["category_id"][0] == 100102
    assert set(answer["response"]["category_id"]) <= leaves


def test_a_name_matching_nothing_gets_an_empty_list_and_a_missing_name_is_refused(sim):  # noqa: F811
    token = tokens(sim)["access_token"]
    assert shop_call(sim, "GET", PATH, token, params={"item_name": "zzz"}).json()["response"] == {"category_id": []}
    refused = shop_call(sim, "GET", PATH, token).json()
    assert refused["error"] == "error_param" and "item_name" in refused["message"]


def test_the_call_is_signed_like_every_shop_api(sim):  # noqa: F811
    token = tokens(sim)["access_token"]
    refused = shop_call(sim, "GET", PATH, token, params={"item_name": "Xoài"}, signature="0" * 64).json()
    assert refused["error"] == "error_sign"
