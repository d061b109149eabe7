"""Extension point: pre-fill the registration form from an identifier, and find who to send a proof code to.

``settings.BUSINESS_PREFILL_PROVIDERS`` is a list of dotted paths to functions with the signature::

    def provider(identifier: str) -> dict | None

``identifier`` is already normalised (``identifier_normalise``: ``0109527605``, ``0314409058-002`` or a
12-digit personal ID). A provider returns ``None`` when it knows nothing about it, otherwise a dict with any
of these keys (others are ignored):

    legal_form (a LegalForm value), legal_name, trade_name, main_sector (a VSIC section letter), street,
    ward_code (a current ward/commune code, e.g. "30226"), legacy_commune_code (a pre-2025 commune code),
    phone, email, founding_year, women_owned, contact_email

An answer means the identifier is on the province's register: a business registered with it is *claimed
from the register* and stays unconfirmed until its owner proves it (``sme.businesses.ownership``).
``contact_email`` is the register's contact address for the business: the proof code goes there; it is
never shown to the person registering.

Providers are asked in order and the first non-empty answer wins. The list is empty by default: the
officers' register (platform/adoption) adds its own provider in settings, so sme never imports adoption.
A provider must not raise for an unknown identifier and should answer quickly (it runs inside a request).

Anyone signed in can type any identifier, so the pre-fill shows nothing personal: the legal form, sector,
founding year and address down to the ward only, and the name only of a legal person (a company or a
cooperative, whose name is public). A household business's or sole proprietorship's name is usually its
owner's own name, and street, phone and e-mail are personal: they are never pre-filled.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from .models import AdministrativeUnit, LegalForm

# Facts about the business, not about a person: pre-filled for anyone who types the identifier.
NON_PERSONAL_FIELDS = ("legal_form", "main_sector", "founding_year")
# Names are pre-filled only for legal persons; a household's or sole proprietor's name is the owner's.
NAME_FIELDS = ("legal_name", "trade_name")
NAMES_OF_PERSONS = frozenset({LegalForm.HOUSEHOLD, LegalForm.SOLE_PROPRIETORSHIP})


@dataclass(frozen=True)
class RegisterAnswer:
    """What the first provider that knows an identifier said: the raw answer and the contact e-mail."""

    answer: dict
    contact_email: str


def register_answer(*, identifier: str) -> RegisterAnswer | None:
    """The first provider's answer for ``identifier`` (normalised), or None when no provider knows it."""
    for dotted in getattr(settings, "BUSINESS_PREFILL_PROVIDERS", []):
        answer = import_string(dotted)(identifier)
        if answer:
            return RegisterAnswer(answer=dict(answer), contact_email=str(answer.get("contact_email") or "").strip())
    return None


def business_prefill(*, identifier: str) -> dict:
    """Initial form values for ``identifier`` from the first provider that knows it; ``{}`` if none does.

    Only what is not personal (see the module's docstring)."""
    found = register_answer(identifier=identifier)
    if found is None:
        return {}
    answer = found.answer
    fields = NON_PERSONAL_FIELDS
    if answer.get("legal_form") and answer["legal_form"] not in NAMES_OF_PERSONS:
        fields = NON_PERSONAL_FIELDS + NAME_FIELDS
    initial = {key: answer[key] for key in fields if answer.get(key) not in (None, "")}
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
