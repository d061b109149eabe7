"""Extension point: pre-fill the registration form from an identifier.

``settings.BUSINESS_PREFILL_PROVIDERS`` is a list of dotted paths to functions with the signature::

    def provider(identifier: str) -> dict | None

``identifier`` is already normalised (``identifier_normalise``: ``0109527605``, ``0314409058-002`` or a
12-digit personal ID). A provider returns ``None`` when it knows nothing about it, otherwise a dict with any
of these keys (others are ignored):

    legal_form (a LegalForm value), legal_name, trade_name, main_sector (a VSIC section letter), street,
    ward_code (a current ward/commune code, e.g. "30226"), legacy_commune_code (a pre-2025 commune code),
    phone, email, founding_year, women_owned

Providers are asked in order and the first non-empty answer wins. The list is empty by default: the
officers' register (platform/adoption) adds its own provider in settings, so sme never imports adoption.
A provider must not raise for an unknown identifier and should answer quickly (it runs inside a request).
"""

from django.conf import settings
from django.utils.module_loading import import_string

from .models import AdministrativeUnit

PREFILL_FIELDS = ("legal_form", "legal_name", "trade_name", "main_sector", "street", "phone", "email",
                  "founding_year", "women_owned")


def business_prefill(*, identifier: str) -> dict:
    """Initial form values for ``identifier`` from the first provider that knows it; ``{}`` if none does."""
    for dotted in getattr(settings, "BUSINESS_PREFILL_PROVIDERS", []):
        answer = import_string(dotted)(identifier)
        if not answer:
            continue
        initial = {key: answer[key] for key in PREFILL_FIELDS if answer.get(key) not in (None, "")}
        if ward_code := answer.get("ward_code"):
            ward = AdministrativeUnit.objects.current().filter(code=str(ward_code)).first()
            if ward is not None:
                initial["ward"] = ward.pk
        if commune_code := answer.get("legacy_commune_code"):
            commune = AdministrativeUnit.objects.legacy_communes().filter(code=str(commune_code)).first()
            if commune is not None:
                initial["legacy_commune"] = commune.pk
                initial["legacy_district"] = commune.parent_id
        initial["identifier"] = identifier
        return initial
    return {}
