"""The owner's steps from a registered business to a product live on the Shopee sandbox, in the browser, as the
pages lead them (shared by test_first_listing.py and test_outreach.py): each step starts on the page the
previous one left the owner on and follows only what that page says."""

import re

from playwright.sync_api import expect

from tests.cms.factories import photo_bytes

# A description like the ones owners write at first: one line.
SHORT_DESCRIPTION = "Xoài cát Hòa Lộc sấy dẻo, không đường."
FULL_DESCRIPTION = ("Xoài cát Hòa Lộc Cao Lãnh chín cây, sấy dẻo ở nhiệt độ thấp, không thêm đường, không chất "
                    "bảo quản. Túi zip 200 g giữ được 6 tháng; bảo quản nơi khô mát, tránh ánh nắng.")
SKU = "XOAI-200"


def follow_next_step(page):
    page.locator("[data-next-step] a.button").first.click()
    page.wait_for_load_state()


def refused_on(page) -> int:
    """1 when the page the owner landed on refused the form (its error summary shows), else 0."""
    return 1 if page.locator("[data-error-summary]").count() else 0


def first_product_add(page) -> int:
    """From the business page: follow its next step and add a product with a photo. Returns refusals."""
    expect(page.locator("[data-next-step] h2")).to_have_text("Chụp ảnh và viết mô tả sản phẩm")
    follow_next_step(page)
    page.fill("input[name=name]", "Xoài sấy dẻo Cao Lãnh túi 200 g")
    page.select_option("select[name=category]", label="Trái cây")
    page.select_option("select[name=status]", label="Đang kinh doanh")
    page.fill("textarea[name=description]", SHORT_DESCRIPTION)
    page.set_input_files("input[name=photo]", files=[
        {"name": "xoai.jpg", "mimeType": "image/jpeg", "buffer": photo_bytes()}])
    page.fill("input[name=variants-0-sku]", SKU)
    page.fill("input[name=variants-0-price]", "65.000")
    page.fill("input[name=variants-0-stock]", "20")
    page.get_by_role("button", name="Lưu sản phẩm").click()
    page.wait_for_load_state()
    return refused_on(page)


def shopee_connect_start(page, shopee) -> None:
    """From the product page: follow its next step to the shops and open the Shopee sandbox's consent page."""
    expect(page.locator("[data-next-step] h2")).to_have_text("Kết nối gian hàng trên sàn")
    follow_next_step(page)
    page.get_by_role("button", name="Kết nối shop Shopee").click()
    page.wait_for_url(re.compile(re.escape(shopee.url) + r"/api/v2/shop/auth_partner.*"))


def shopee_consent_approve(page) -> None:
    """On the sandbox's consent page: authorise the shop; back on the shop's page."""
    approve = page.get_by_role("button", name="Đồng ý ủy quyền")
    assert approve.bounding_box()["height"] >= 44
    approve.click()
    page.wait_for_url(re.compile(r".*/marketplaces/\d+/$"))


def shopee_publish(page) -> dict[str, int]:
    """From the shop's page: get the product ready and publish it once. The publish step pre-selects the
    category Shopee recommends for the product's name (category_recommend) and asks the details that category
    requires; the checklist says what Shopee still needs. Returns refusals ({"product": n, "publish": n})."""
    refused = {"product": 0, "publish": 0}
    page.get_by_role("link", name="Chuẩn bị và đăng").first.click()
    expect(page.get_by_role("combobox", name="Danh mục Shopee")).to_have_value("100102")  # Trái cây sấy
    page.get_by_label("Xuất xứ").select_option(label="Việt Nam")
    page.get_by_role("button", name="Lưu danh mục").click()
    page.wait_for_load_state()
    # the checklist says what Shopee still needs ("Cần bổ sung", never "Lỗi"), each item a link to its box
    checklist = page.locator("#checklist")
    expect(checklist).to_contain_text("Cần bổ sung")
    expect(checklist).not_to_contain_text("Lỗi")
    expect(checklist.get_by_role("link", name=re.compile("Mô tả"))).to_have_count(1)
    expect(checklist.get_by_role("link", name=re.compile("cân nặng"))).to_have_count(1)
    expect(page.get_by_role("button", name="Đăng lên Shopee")).to_have_count(0)  # nothing to refuse: no button yet
    checklist.get_by_role("link", name=re.compile("Mô tả")).click()
    page.wait_for_load_state()
    assert page.url.endswith("#id_description")
    page.fill("textarea[name=description]", FULL_DESCRIPTION)
    page.fill("input[name=variants-0-weight_g]", "250")
    page.get_by_role("button", name="Lưu sản phẩm").click()
    page.wait_for_load_state()
    refused["product"] += refused_on(page)
    # the product page now says the product is ready for Shopee, and leads to the publish step
    panel = page.locator("#marketplaces")
    expect(panel).to_contain_text("Đã đủ thông tin để đăng lên Shopee")
    panel.get_by_role("link", name="Đăng lên Shopee").click()
    page.get_by_role("button", name="Đăng lên Shopee").click()
    page.wait_for_load_state()
    if "/runs/" not in page.url:
        refused["publish"] += 1
    expect(page.locator("#run")).to_have_attribute("data-finished", "1")
    return refused
