"""Checking and re-encoding uploaded product photos (Pillow): content, not the file name, decides the type.

The stored image is re-encoded from its pixels, so EXIF (GPS position, camera serial) never survives.
"""

import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_BYTES = getattr(settings, "CATALOG_IMAGE_MAX_BYTES", 10 * 1024 * 1024)
MAX_PIXELS = getattr(settings, "CATALOG_IMAGE_MAX_PIXELS", 40_000_000)
MIN_SIDE = 100
THUMBNAIL_SIZE = (400, 400)


@dataclass(frozen=True)
class PreparedImage:
    """An accepted photo: the re-encoded image and thumbnail, ready to attach to a ProductImage."""

    image: ContentFile
    thumbnail: ContentFile
    sha256: str
    width: int
    height: int


def image_check(*, data: bytes, name: str = "") -> tuple[Image.Image, str]:
    """Check ``data`` is a JPEG, PNG or WebP within the size and pixel limits; returns (decoded image, format).

    Raises ValidationError with a message saying what to fix.
    """
    label = name or _("the image")
    if len(data) > MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than %(mb)d MB. Use a smaller photo.") % {"name": label, "mb": MAX_BYTES // 2**20},
            code="image_too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            image_format = probe.format
            width, height = probe.size
            if image_format not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": label}, code="image_type"
                )
            if width * height > MAX_PIXELS:
                raise ValidationError(
                    _("%(name)s has too many pixels (at most %(mp)d megapixels).")
                    % {"name": label, "mp": MAX_PIXELS // 1_000_000},
                    code="image_pixels",
                )
            if min(width, height) < MIN_SIDE:
                raise ValidationError(
                    _("%(name)s is too small: each side needs at least %(px)d pixels.") % {"name": label, "px": MIN_SIDE},
                    code="image_small",
                )
            probe.load()
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning, OSError,
            SyntaxError, ValueError) as exc:
        raise ValidationError(
            _("%(name)s is not a JPEG, PNG or WebP photo, or it is damaged.") % {"name": label}, code="image_type"
        ) from exc
    return probe, image_format


def image_prepare(*, data: bytes, name: str = "") -> PreparedImage:
    """Check the photo (image_check), re-encode it without metadata and make its thumbnail. Writes nothing."""
    probe, image_format = image_check(data=data, name=name)
    # Apply the EXIF orientation to the pixels, then copy only the pixels: metadata is left behind.
    oriented = ImageOps.exif_transpose(probe)
    keep_alpha = image_format in ("PNG", "WEBP") and oriented.mode in ("RGBA", "LA", "P")
    pixels = oriented.convert("RGBA" if keep_alpha else "RGB")
    clean = Image.new(pixels.mode, pixels.size)
    clean.paste(pixels)

    stem = uuid.uuid4().hex
    extension = ALLOWED_FORMATS[image_format]
    out = io.BytesIO()
    save_args = {"quality": 88} if image_format in ("JPEG", "WEBP") else {"optimize": True}
    clean.save(out, format=image_format, **save_args)

    thumb = clean.copy()
    thumb.thumbnail(THUMBNAIL_SIZE)
    thumb_out = io.BytesIO()
    thumb.save(thumb_out, format="WEBP", quality=80)
    return PreparedImage(
        image=ContentFile(out.getvalue(), name=f"{stem}.{extension}"),
        thumbnail=ContentFile(thumb_out.getvalue(), name=f"{stem}-thumb.webp"),
        sha256=hashlib.sha256(data).hexdigest(),
        width=clean.width,
        height=clean.height,
    )
