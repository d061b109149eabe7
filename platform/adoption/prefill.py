"""The register as a pre-fill provider for business registration (``settings.BUSINESS_PREFILL_PROVIDERS``).

An owner registering a business whose identifier is on the register gets its legal form, ward (or old
commune), sector and, for a company or cooperative, its name pre-filled (``sme.businesses.prefill`` drops
what is personal); they confirm or correct them. The entry's contact e-mail is where the code proving
ownership goes. What they changed is shown to officers
(``selectors.register_corrections``).
"""

from .models import RegisterEntry


def register_prefill(identifier: str) -> dict | None:
    """Answer of the provider protocol in sme/businesses/prefill.py; None when the register lacks it."""
    entry = (RegisterEntry.objects.filter(identifier=identifier)
             .select_related("ward", "legacy_commune").first())
    if entry is None:
        return None
    answer = {"legal_form": entry.legal_form, "legal_name": entry.name, "main_sector": entry.main_sector,
              "contact_email": entry.contact_email}
    if entry.ward is not None:
        answer["ward_code"] = entry.ward.code
    if entry.legacy_commune is not None:
        answer["legacy_commune_code"] = entry.legacy_commune.code
    return answer
