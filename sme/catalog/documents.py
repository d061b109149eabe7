"""Product documents (certificates, self-declarations, test reports): checking the file and the two writes.

The bytes decide the type (PDF, JPEG or PNG), never the file name. Only a member (owner or staff) of the
product's business may add or remove a document; views also look the product up by business (404 otherwise).
"""

import datetime
import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

from accounts.models import User
from sme.businesses.models import Membership

from .models import DocumentKind, Product, ProductDocument
from .text import text_clean

MAX_BYTES = getattr(settings, "CATALOG_DOCUMENT_MAX_BYTES", 5 * 1024 * 1024)
MAX_PIXELS = 60_000_000
PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
# PDF features that run or launch something when opened: refused, the file goes on to marketplaces.
PDF_ACTIVE_CONTENT = (b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"/RichMedia")


@dataclass(frozen=True)
class CheckedDocument:
    content_type: str
    extension: str
    sha256: str


def document_check(*, data: bytes, name: str = "") -> CheckedDocument:
    """Check ``data`` is a PDF, JPEG or PNG of at most 5 MB, by its content. Raises ValidationError saying
    what to fix. Reads only."""
    label = text_clean(name) or _("The file")
    if not data:
        raise ValidationError(_("%(name)s is empty.") % {"name": label}, code="document_empty")
    if len(data) > MAX_BYTES:
        raise ValidationError(_("%(name)s is larger than %(mb)d MB.") % {"name": label, "mb": MAX_BYTES // 2**20},
                              code="document_too_large")
    if data.lstrip()[:5] == b"%PDF-":
        if b"%%EOF" not in data[-2048:]:
            raise ValidationError(_("%(name)s is an incomplete or damaged PDF.") % {"name": label},
                                  code="document_damaged")
        if any(marker in data for marker in PDF_ACTIVE_CONTENT):
            raise ValidationError(
                _("%(name)s contains scripts or attachments. Save it again as a plain PDF (for example with "
                  "“Print to PDF”).") % {"name": label}, code="document_active_content")
        content_type = PDF
    else:
        content_type = _image_type(data, label)
    return CheckedDocument(content_type=content_type, extension=EXTENSIONS[content_type],
                           sha256=hashlib.sha256(data).hexdigest())


def _image_type(data: bytes, label) -> str:
    wrong_type = ValidationError(_("%(name)s is not a PDF, JPEG or PNG file.") % {"name": label},
                                 code="document_type")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            image_format = probe.format
            if image_format not in ("JPEG", "PNG"):
                raise wrong_type
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise ValidationError(_("%(name)s has too many pixels.") % {"name": label}, code="document_pixels")
            probe.verify()
    except (UnidentifiedImageError, Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise wrong_type from exc
    except (OSError, SyntaxError, ValueError) as exc:  # what Pillow raises for a truncated or broken image
        raise ValidationError(_("%(name)s is damaged and cannot be opened.") % {"name": label},
                              code="document_damaged") from exc
    return JPEG if image_format == "JPEG" else PNG


def _require_member(*, product: Product, actor: User) -> None:
    if not Membership.objects.filter(business_id=product.business_id, user=actor).exists():
        raise PermissionDenied("Only members of the product's business manage its documents.")


def product_document_add(
    *, product: Product, kind: str, data: bytes, name: str, issued_on: datetime.date,
    expires_on: datetime.date | None = None, actor: User,
) -> ProductDocument:
    """Attach a document to ``product``. ``actor`` must be a member (owner or staff) of its business.

    Raises PermissionDenied (stranger), ValidationError (bad kind, file or dates); nothing is stored then.
    Not idempotent: the same file added twice gives two documents (an owner may keep two versions).
    """
    _require_member(product=product, actor=actor)
    if kind not in DocumentKind.values:
        raise ValidationError(_("Choose what kind of document this is."), code="document_kind")
    if expires_on is not None and expires_on < issued_on:
        raise ValidationError(_("The expiry date is before the issue date."), code="document_dates")
    checked = document_check(data=data, name=name)
    document = ProductDocument(
        product=product, kind=kind, content_type=checked.content_type, original_name=text_clean(name)[:255],
        size=len(data), sha256=checked.sha256, issued_on=issued_on, expires_on=expires_on, uploaded_by=actor,
    )
    document.file.save(f"{uuid.uuid4().hex}.{checked.extension}", ContentFile(data), save=False)
    try:
        document.save()
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


def product_document_delete(*, document: ProductDocument, actor: User) -> None:
    """Remove a document and its file. ``actor`` must be a member of the product's business (PermissionDenied
    otherwise, nothing removed). The file goes once the deletion is committed."""
    _require_member(product=document.product, actor=actor)
    storage, name = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))
