"""The Lazada sandbox's GetCategorySuggestion, from docs/marketplaces/lazada.md (``product_name`` required;
``data.categorySuggestions[] {categoryId, categoryName, categoryPath}``; 701 "Empty category suggestion."),
by raw signed HTTP, independent of the connector."""

from tests.marketplace_sandbox.lazada.test_conformance import access, call, sim  # noqa: F401

PATH = "/product/category/suggestion/get"


def test_a_product_name_gets_leaf_categories_with_their_path(sim):  # noqa: F811
    body = call(sim, "GET", PATH, {"product_name": "Xoài sấy dẻo Cao Lãnh"}, token=access(sim)).json()
    assert body["code"] == "0"
    first = body["data"]["categorySuggestions"][0]
    assert first == {"categoryId": 10000102, "categoryName": "Trái cây sấy",
                     "categoryPath": "Thực phẩm & Đồ uống/Trái cây sấy"}


def test_a_name_matching_nothing_is_701_and_a_missing_name_is_refused(sim):  # noqa: F811
    token = access(sim)
    empty = call(sim, "GET", PATH, {"product_name": "zzz"}, token=token).json()
    assert (empty["code"], empty["message"]) == ("701", "Empty category suggestion.")
    assert call(sim, "GET", PATH, {}, token=token).json()["code"] == "1"
