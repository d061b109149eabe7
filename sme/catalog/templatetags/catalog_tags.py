from django import template
from django.core.files.storage import default_storage

register = template.Library()


@register.filter(name="storage_url")
def storage_url(name: str | None) -> str:
    """``{{ product.cover_thumbnail|storage_url }}``: the public URL of a stored file name."""
    return default_storage.url(name) if name else ""
