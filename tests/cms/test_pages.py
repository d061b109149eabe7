"""Page types, where they may be created, every block rendering, languages and fallback, guides, home page."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page

from cms.blocks import VideoBlock, video_embed_src
from cms.choices import CompletionRule
from cms.models import (
    GuideIndexPage,
    GuidePage,
    HomePage,
    OnboardingJourneyPage,
    OnboardingStepPage,
)
from cms.services import marketplace_interests_set
from tests.cms.factories import (
    add_guide,
    add_step,
    block,
    checklist,
    guide_index,
    home,
    journey,
    owner_of,
    translate,
)

pytestmark = pytest.mark.django_db


# --- Where pages may be created -------------------------------------------------------------------


def test_page_types_can_only_be_created_in_their_place():
    root = Page.objects.get(depth=1)
    # then
    assert OnboardingStepPage.can_create_at(journey())
    assert not OnboardingStepPage.can_create_at(home())
    assert not OnboardingStepPage.can_create_at(guide_index())
    assert GuidePage.can_create_at(guide_index())
    assert not GuidePage.can_create_at(journey())
    assert not OnboardingJourneyPage.can_create_at(root)
    assert not GuideIndexPage.can_create_at(journey())
    assert OnboardingStepPage.allowed_subpage_models() == []
    assert GuidePage.allowed_subpage_models() == []
    assert set(HomePage.allowed_subpage_models()) == {OnboardingJourneyPage, GuideIndexPage}


def test_one_journey_and_one_guide_index_per_home_page():
    # given the sections created by migration 0005
    assert OnboardingJourneyPage.objects.child_of(home()).count() == 1
    # then
    assert not OnboardingJourneyPage.can_create_at(home())
    assert not GuideIndexPage.can_create_at(home())


def test_automatic_step_needs_a_milestone():
    step = OnboardingStepPage(title="Tự động", slug="tu-dong", summary="x", completion_rule=CompletionRule.AUTOMATIC)
    with pytest.raises(ValidationError) as error:
        step.clean()
    assert "milestone" in error.value.message_dict


def test_checklist_step_needs_a_checklist_in_its_body():
    step = OnboardingStepPage(title="Danh sách", slug="danh-sach", summary="x",
                              completion_rule=CompletionRule.CHECKLIST, body=[block("rich_text", "<p>x</p>")])
    with pytest.raises(ValidationError) as error:
        step.clean()
    assert "completion_rule" in error.value.message_dict


def test_a_manual_step_cannot_carry_a_milestone():
    step = OnboardingStepPage(title="Tay", slug="tay", summary="x", completion_rule=CompletionRule.MARK_DONE,
                              milestone="first_product")
    with pytest.raises(ValidationError):
        step.clean()


# --- Blocks ---------------------------------------------------------------------------------------


def full_body(image, document):
    cta = {"action": "connect_marketplace", "marketplace": "shopee", "label": ""}
    return [
        block("rich_text", "<p>Đoạn văn <b>đậm</b></p>"),
        block("image", {"image": image.pk, "alt_text": "Hộp trà sen", "caption": "Chụp dưới ánh sáng tự nhiên"}),
        block("video", {"title": "Quay video sản phẩm", "file": None,
                        "embed_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "caption": ""}),
        block("video", {"title": "Video tải lên", "file": document.pk, "embed_url": "", "caption": "MP4"}),
        block("numbered_instructions", {"title": "Các bước", "steps": [block("item", "Mở ứng dụng"),
                                                                      block("item", "Chọn sản phẩm")]}),
        checklist("Có giấy phép", "Có mã số thuế", title="Kiểm tra"),
        block("callout", {"kind": "legal", "title": "Nghị định 13", "text": "<p>Xin phép người mua.</p>"}),
        block("marketplace_section", {"marketplace": "shopee", "heading": "Riêng cho Shopee",
                                      "content": [block("rich_text", "<p>Phí Shopee</p>")]}),
        block("marketplace_section", {"marketplace": "lazada", "heading": "Riêng cho Lazada",
                                      "content": [block("rich_text", "<p>Phí Lazada</p>")]}),
        block("call_to_action", cta),
    ]


def test_every_block_renders_on_a_step_page(client):
    # given
    image = Image.objects.create(title="Trà sen", file=get_test_image_file())
    document = Document.objects.create(title="video", file=ContentFile(b"\x00\x00\x00\x18ftypmp42", name="v.mp4"))
    step = add_step(title="Mọi khối", completion_rule=CompletionRule.CHECKLIST, body=full_body(image, document))
    business, owner = owner_of()
    marketplace_interests_set(business=business, marketplaces=["shopee"])
    client.force_login(owner)
    # when
    html = client.get(step.url).content.decode()
    # then
    assert "Đoạn văn <b>đậm</b>" in html
    assert 'alt="Hộp trà sen"' in html and "<figcaption>Chụp dưới ánh sáng tự nhiên</figcaption>" in html
    assert 'src="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"' in html
    assert f'<video controls preload="metadata" src="{document.url}"' in html
    assert "<li>Mở ứng dụng</li><li>Chọn sản phẩm</li>" in html
    assert 'type="checkbox" name="items"' in html and "Có mã số thuế" in html
    assert 'class="callout callout-legal"' in html and "Quy định pháp luật: Nghị định 13" in html
    assert "Riêng cho Shopee" in html and "Riêng cho Lazada" not in html


def test_call_to_action_links_to_the_platform_action(client, settings):
    # given the connect page of the marketplaces area
    settings.CMS_PLATFORM_ACTION_URLS = {"connect_marketplace": ("cms:journey",)}
    step = add_step(title="Kết nối", body=[
        block("call_to_action", {"action": "connect_marketplace", "marketplace": "shopee", "label": ""}),
        block("call_to_action", {"action": "add_product", "marketplace": "", "label": "Thêm sản phẩm ngay"}),
    ])
    # when
    html = client.get(step.url).content.decode()
    # then
    assert f'<a class="button" href="{reverse("cms:journey")}">Kết nối sàn: Shopee</a>' in html
    assert f'<a class="button" href="{reverse("catalog:product_create")}">Thêm sản phẩm ngay</a>' in html


def test_call_to_action_to_an_area_that_does_not_exist_renders_no_button(client, settings):
    settings.CMS_PLATFORM_ACTION_URLS = {"choose_plan": ("nowhere:plans",)}
    step = add_step(title="Gói", body=[block("call_to_action", {"action": "choose_plan", "marketplace": "",
                                                                  "label": "Chọn gói"})])
    html = client.get(step.url).content.decode()
    assert "Chọn gói" not in html


def test_visitors_who_are_not_owners_see_every_marketplace_section(client):
    # given
    step = add_step(title="Sàn", body=[
        block("marketplace_section", {"marketplace": "lazada", "heading": "Riêng cho Lazada",
                                      "content": [block("rich_text", "<p>Phí Lazada</p>")]})])
    # when
    html = client.get(step.url).content.decode()
    # then
    assert "Riêng cho Lazada" in html and "Dành cho người bán trên Lazada" in html


def test_video_block_accepts_exactly_one_source_from_allowed_hosts():
    video = VideoBlock()
    base = {"title": "Video", "file": None, "embed_url": "", "caption": ""}
    with pytest.raises(StructBlockValidationError):
        video.clean(video.to_python(base))
    with pytest.raises(StructBlockValidationError):
        video.clean(video.to_python({**base, "embed_url": "https://example.com/v.mp4"}))
    assert video.clean(video.to_python({**base, "embed_url": "https://youtu.be/dQw4w9WgXcQ"}))


@pytest.mark.parametrize(("url", "src"), [
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ?t=3", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://www.youtube.com/shorts/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"),
    ("https://vimeo.com/76979871", "https://player.vimeo.com/video/76979871"),
    ("https://evil.example/watch?v=dQw4w9WgXcQ", None),
    ("javascript:alert(1)", None),
])
def test_video_embed_src(url, src):
    assert video_embed_src(url) == src


def test_cached_blocks_change_when_the_page_is_republished(client):
    # given
    step = add_step(title="Bộ nhớ đệm", body=[block("rich_text", "<p>Phiên bản một</p>", "fixed-id")])
    assert "Phiên bản một" in client.get(step.url).content.decode()
    # when
    step.body = [block("rich_text", "<p>Phiên bản hai</p>", "fixed-id")]
    step.save_revision().publish()
    # then
    html = client.get(step.url).content.decode()
    assert "Phiên bản hai" in html and "Phiên bản một" not in html


# --- Languages --------------------------------------------------------------------------------------


def english_owner(client):
    business, owner = owner_of()
    owner.preferred_language = "en"
    owner.save()
    client.force_login(owner)
    return business, owner


def test_owner_reading_english_sees_the_translation_without_notice(client):
    # given
    step = add_step(title="Chụp ảnh sản phẩm", body=[block("rich_text", "<p>Ánh sáng tự nhiên</p>")])
    translate(journey(), title="Selling online journey")
    english = translate(step, title="Photograph your products",
                        body=[block("rich_text", "<p>Natural light</p>")])
    english_owner(client)
    # when
    html = client.get(english.url).content.decode()
    # then
    assert english.url == step.url
    assert "Photograph your products" in html and "Natural light" in html
    assert "cms-translation-notice" not in html


def test_untranslated_step_falls_back_to_vietnamese_with_a_notice(client):
    # given the journey is translated but this step is not
    step = add_step(title="Hóa đơn điện tử", body=[block("rich_text", "<p>Nghị định 123</p>")])
    translate(journey(), title="Selling online journey")
    english_owner(client)
    # when
    response = client.get(step.url)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hóa đơn điện tử" in html and "Nghị định 123" in html
    assert "cms-translation-notice" in html and 'lang="vi"' in html


def test_a_draft_translation_falls_back_to_vietnamese(client):
    # given
    step = add_step(title="Trả hàng", body=[block("rich_text", "<p>Chính sách đổi trả</p>")])
    translate(journey(), title="Selling online journey")
    english = translate(step, title="Returns")
    english.unpublish()
    english_owner(client)
    # when
    html = client.get(step.url).content.decode()
    # then
    assert "Chính sách đổi trả" in html and "cms-translation-notice" in html


def test_dashboard_in_english_mixes_translated_and_fallback_steps(client):
    # given
    first = add_step(title="Đăng ký kinh doanh")
    add_step(title="Thuế hộ kinh doanh")
    translate(journey(), title="Selling online journey")
    translate(first, title="Register your business", summary="Get your licence first.")
    english_owner(client)
    # when
    html = client.get(reverse("cms:journey")).content.decode()
    # then
    assert "Register your business" in html and "Đăng ký kinh doanh" not in html
    assert "Thuế hộ kinh doanh" in html


def test_a_translation_keeps_checklist_item_ids_so_ticks_count_in_both_languages():
    # given
    step = add_step(title="Danh sách", completion_rule=CompletionRule.CHECKLIST, body=[checklist("A", "B")])
    translate(journey(), title="Journey")
    # when
    english = translate(step, title="Checklist")
    # then
    assert english.specific.checklist_item_ids() == step.checklist_item_ids()
    assert english.translation_key == step.translation_key


def test_vietnamese_visitor_never_sees_the_english_tree(client):
    # given
    step = add_step(title="Bán hàng", body=[block("rich_text", "<p>Tiếng Việt</p>")])
    translate(journey(), title="Journey")
    translate(step, title="Selling", body=[block("rich_text", "<p>English</p>")])
    # when
    html = client.get(step.url).content.decode()
    # then
    assert "Tiếng Việt" in html and "English</p>" not in html


# --- Guides, FAQs, home page ---------------------------------------------------------------------


def test_guide_index_filters_by_tag_and_searches(client):
    # given
    add_guide(title="Chụp ảnh sản phẩm bằng điện thoại", tags=["hình ảnh"], summary="Ánh sáng, phông nền.")
    add_guide(title="Hóa đơn điện tử cho hộ kinh doanh", tags=["thuế", "hóa đơn"],
              body=[block("rich_text", "<p>Máy tính tiền kết nối cơ quan thuế</p>")])
    url = guide_index().url
    # when / then
    html = client.get(url).content.decode()
    assert "Chụp ảnh sản phẩm" in html and "Hóa đơn điện tử" in html
    html = client.get(url, {"tag": "thuế"}).content.decode()
    assert "Hóa đơn điện tử" in html and "Chụp ảnh sản phẩm" not in html
    html = client.get(url, {"q": "phông nền"}).content.decode()
    assert "Chụp ảnh sản phẩm" in html and "Hóa đơn điện tử" not in html
    html = client.get(url, {"q": "không có gì như thế"}).content.decode()
    assert "Chụp ảnh sản phẩm" not in html and "Hóa đơn điện tử" not in html


def test_guide_page_renders_with_its_tags(client):
    guide = add_guide(title="Đổi trả hàng", tags=["đơn hàng"], body=[
        block("callout", {"kind": "warning", "title": "Thời hạn", "text": "<p>Trả lời trong 48 giờ.</p>"})])
    html = client.get(guide.url).content.decode()
    assert "Trả lời trong 48 giờ." in html and "đơn hàng" in html


def test_faqs_show_on_the_guide_index_in_the_visitor_language(client):
    # given
    from cms.models import FrequentlyAskedQuestion
    from tests.cms.factories import en

    faq = FrequentlyAskedQuestion.objects.create(question="Có mất phí không?", answer="<p>Miễn phí.</p>")
    other = FrequentlyAskedQuestion.objects.create(question="Cần giấy phép gì?", answer="<p>Đăng ký.</p>")
    english = faq.copy_for_translation(en())
    english.question = "Is it free?"
    english.save()
    # when
    client.cookies["sme_language"] = "en"
    html = client.get(guide_index().url).content.decode()
    # then
    assert "Is it free?" in html and "Có mất phí không?" not in html
    assert other.question in html


def home_with_sections(**share):
    page = home()
    page.sections = [
        block("province_target", {"target_percent": 55, "deadline_year": 2025,
                                  "description": "Doanh nghiệp nhỏ và vừa kinh doanh trên sàn", "source": "KH 241"}),
        block("current_share", {"heading": "Hiện nay", "placeholder": "Số liệu sẽ được cập nhật.", **share}),
    ]
    page.save_revision().publish()
    return page


def test_home_page_shows_the_target_and_the_share_placeholder(client):
    home_with_sections(hidden=False)
    html = client.get("/").content.decode()
    assert "55%" in html and "KH 241" in html
    assert "Số liệu sẽ được cập nhật." in html


def test_editors_can_hide_the_share_block(client):
    home_with_sections(hidden=True)
    html = client.get("/").content.decode()
    assert "55%" in html and "Số liệu sẽ được cập nhật." not in html


def share_provider():
    import datetime

    return {"percent": 41, "as_of": datetime.date(2026, 10, 31)}


def test_share_comes_from_the_configured_provider(client, settings):
    settings.CMS_CURRENT_SHARE_PROVIDER = "tests.cms.test_pages.share_provider"
    home_with_sections(hidden=False)
    html = client.get("/").content.decode()
    assert "41%" in html and "Số liệu sẽ được cập nhật." not in html
