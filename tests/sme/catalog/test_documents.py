"""Product documents (certificates, self-declarations, test reports): checked by content, members only."""

import datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from sme.businesses.models import MemberRole
from sme.catalog.documents import document_check, product_document_add, product_document_delete
from sme.catalog.models import DocumentKind, ProductDocument
from sme.catalog.selectors import product_document_list, product_document_list_valid

from .factories import ProductFactory, image_bytes, member

pytestmark = pytest.mark.django_db

ISSUED = datetime.date(2026, 3, 1)


def pdf_bytes(body: bytes = b"") -> bytes:
    """A small well-formed PDF (one empty page)."""
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R" + body + b">>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n3 0 obj<</Type/Page/Parent 2 0 R"
            b"/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def stored_files() -> list[Path]:
    private = Path(settings.MEDIA_ROOT).parent / "private"
    return [p for p in private.rglob("*") if p.is_file()]


@pytest.fixture
def owner(client):
    membership = member()
    client.force_login(membership.user)
    return membership


@pytest.fixture
def product(owner):
    return ProductFactory(business=owner.business, name="Trà tim sen")


def _add(product, actor, data=None, name="chung-nhan.pdf", **kwargs) -> ProductDocument:
    return product_document_add(product=product, kind=kwargs.pop("kind", DocumentKind.FOOD_SAFETY_CERTIFICATE),
                                data=pdf_bytes() if data is None else data, name=name,
                                issued_on=kwargs.pop("issued_on", ISSUED), actor=actor, **kwargs)


@pytest.mark.parametrize(("data", "name", "content_type"), [
    (pdf_bytes(), "giay-chung-nhan.pdf", "application/pdf"),
    (image_bytes("JPEG"), "anh-chup.jpg", "image/jpeg"),
    (image_bytes("PNG"), "scan.png", "image/png"),
    (pdf_bytes(), "named-like-a-photo.jpg", "application/pdf"),  # the content decides, not the name
])
def test_pdf_jpeg_and_png_are_recognised_by_content(data, name, content_type):
    assert document_check(data=data, name=name).content_type == content_type


@pytest.mark.parametrize(("data", "name", "code"), [
    (b"MZ\x90\x00 an executable", "chung-nhan.pdf", "document_type"),
    (b"<html><script>alert(1)</script></html>", "chung-nhan.pdf", "document_type"),
    (image_bytes("WEBP"), "anh.png", "document_type"),
    (b"%PDF-1.4\n1 0 obj<</Type/Catalog>>", "cut-short.pdf", "document_damaged"),
    (pdf_bytes(b"/OpenAction<</S/JavaScript/JS(app.alert(1))>>"), "script.pdf", "document_active_content"),
    (image_bytes("PNG")[:200], "broken.png", "document_damaged"),
    (b"", "empty.pdf", "document_empty"),
    (pdf_bytes() + b" " * (5 * 1024 * 1024), "big.pdf", "document_too_large"),
])
def test_other_content_is_refused_with_a_reason(data, name, code):
    with pytest.raises(ValidationError) as caught:
        document_check(data=data, name=name)
    assert caught.value.code == code


def test_a_team_member_adds_a_document_kept_privately_with_its_facts(product):
    # given a staff member of the business
    staff = member(role=MemberRole.STAFF, business=product.business)
    # when
    document = _add(product, staff.user, data=image_bytes("JPEG"), name="ban-tu-cong-bo.JPG",
                    kind=DocumentKind.SELF_DECLARATION, expires_on=datetime.date(2029, 3, 1))
    # then
    document.refresh_from_db()
    assert (document.kind, document.content_type, document.original_name, document.issued_on,
            document.expires_on, document.uploaded_by) == (
        "self_declaration", "image/jpeg", "ban-tu-cong-bo.JPG", ISSUED, datetime.date(2029, 3, 1), staff.user)
    assert document.file.name.endswith(".jpg")
    assert stored_files() == [Path(document.file.path)]
    assert list(product_document_list(product=product)) == [document]
    with pytest.raises(NotImplementedError):
        document.file.url  # noqa: B018 - private storage has no public URL


def test_a_stranger_cannot_add_or_delete_and_nothing_changes(product):
    stranger = member()  # a member of another business
    with pytest.raises(PermissionDenied):
        _add(product, stranger.user)
    assert not ProductDocument.objects.exists()
    assert stored_files() == []
    owner_document = _add(product, product.business.memberships.get().user)
    with pytest.raises(PermissionDenied):
        product_document_delete(document=owner_document, actor=stranger.user)
    assert ProductDocument.objects.filter(pk=owner_document.pk).exists()
    assert len(stored_files()) == 1


def test_bad_dates_or_kind_store_nothing(product, owner):
    with pytest.raises(ValidationError):
        _add(product, owner.user, expires_on=datetime.date(2026, 2, 28))
    with pytest.raises(ValidationError):
        _add(product, owner.user, kind="passport")
    assert not ProductDocument.objects.exists()
    assert stored_files() == []


def test_expired_documents_are_not_offered_to_marketplaces(product, owner):
    valid = _add(product, owner.user, kind=DocumentKind.OCOP_CERTIFICATE, expires_on=datetime.date(2029, 1, 1))
    _add(product, owner.user, kind=DocumentKind.TEST_REPORT, expires_on=datetime.date(2026, 6, 1))
    forever = _add(product, owner.user, kind=DocumentKind.OTHER)
    assert set(product_document_list_valid(product=product, on=datetime.date(2027, 1, 1))) == {valid, forever}


def test_the_product_page_lists_uploads_downloads_and_deletes_documents(client, owner, product):
    url = reverse("catalog:product_edit", args=[product.pk])
    # the section is there, in Vietnamese
    page = client.get(url).content.decode()
    assert "Giấy chứng nhận và hồ sơ" in page
    assert "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm" in page
    # when uploading
    response = client.post(reverse("catalog:document_add", args=[product.pk]), {
        "kind": DocumentKind.FOOD_SAFETY_CERTIFICATE, "issued_on": "2026-03-01", "expires_on": "2029-03-01",
        "file": SimpleUploadedFile("giay-atTP.pdf", pdf_bytes(), content_type="application/pdf"),
    })
    # then
    assert response.status_code == 302 and response.url.endswith("#documents")
    document = ProductDocument.objects.get(product=product)
    page = client.get(url).content.decode()
    assert "giay-atTP.pdf" in page and "01/03/2029" in page
    download = client.get(reverse("catalog:document_download", args=[product.pk, document.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == pdf_bytes()
    # when deleting
    path = Path(document.file.path)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("catalog:document_delete", args=[product.pk, document.pk]))
    assert not ProductDocument.objects.exists()
    assert not path.exists()


def test_a_refused_upload_says_why_and_stores_nothing(client, owner, product):
    response = client.post(reverse("catalog:document_add", args=[product.pk]), {
        "kind": DocumentKind.TEST_REPORT, "issued_on": "2026-03-01",
        "file": SimpleUploadedFile("phieu.pdf", b"<html>not a pdf</html>", content_type="application/pdf"),
    }, follow=True)
    assert "phieu.pdf không phải là tệp PDF, JPEG hoặc PNG." in response.content.decode()
    assert not ProductDocument.objects.exists()
    assert stored_files() == []


@pytest.fixture
def foreign():
    """Another business's product with a document."""
    their = member()
    product = ProductFactory(business=their.business, name="Their product")
    return product, _add(product, their.user)


def test_another_business_ids_give_404_and_change_nothing(client, owner, product, foreign):
    their_product, their_document = foreign
    before = (list(ProductDocument.objects.values_list("pk", "product_id", "kind")), sorted(stored_files()))
    upload = {"kind": DocumentKind.OTHER, "issued_on": "2026-03-01",
              "file": SimpleUploadedFile("x.pdf", pdf_bytes(), content_type="application/pdf")}
    responses = [
        client.post(reverse("catalog:document_add", args=[their_product.pk]), upload),
        client.get(reverse("catalog:document_download", args=[their_product.pk, their_document.pk])),
        client.post(reverse("catalog:document_delete", args=[their_product.pk, their_document.pk])),
        # their document through my own product's id
        client.get(reverse("catalog:document_download", args=[product.pk, their_document.pk])),
        client.post(reverse("catalog:document_delete", args=[product.pk, their_document.pk])),
    ]
    assert [r.status_code for r in responses] == [404] * 5
    assert (list(ProductDocument.objects.values_list("pk", "product_id", "kind")), sorted(stored_files())) == before
