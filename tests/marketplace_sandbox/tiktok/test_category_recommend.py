"""The TikTok Shop sandbox's Recommend Category, from docs/marketplaces/tiktok.md (``product_title`` required,
25-255 characters for VN; ``shop_cipher`` optional; answers ``leaf_category_id`` and ``categories``;
12019064 when nothing matches), by raw signed HTTP, independent of the connector."""

from tests.marketplace_sandbox.tiktok.test_conformance import V, api, sim  # noqa: F401

PATH = f"/product/{V}/categories/recommend"
TITLE = "Xoài sấy dẻo Cao Lãnh túi 200 g"


def test_a_title_gets_the_leaf_category_and_its_path_with_or_without_shop_cipher(api):  # noqa: F811
    for shop in (True, False):
        status, body = api.call("POST", PATH, body={"product_title": TITLE}, shop=shop)
        assert (status, body["code"]) == (200, 0)
        assert body["data"]["leaf_category_id"] == "600102"
        assert [(c["id"], c["is_leaf"]) for c in body["data"]["categories"]] == [("600001", False), ("600102", True)]


def test_a_title_matching_nothing_is_12019064_and_a_short_title_is_refused(api):  # noqa: F811
    _status, nothing = api.call("POST", PATH, body={"product_title": "z" * 30})
    assert nothing["code"] == 12019064
    _status, short = api.call("POST", PATH, body={"product_title": "Xoài sấy"})
    assert short["code"] == 12052931
