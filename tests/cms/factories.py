"""Journey pages, businesses and the data milestones read, built through the real models and services."""

import io
import uuid

import factory
from django.utils.text import slugify
from PIL import Image
from wagtail.models import Locale

from cms.models import GuideIndexPage, GuidePage, HomePage, OnboardingJourneyPage, OnboardingStepPage
from sme.businesses.models import Business, LegalForm, MainSector, MemberRole, Membership
from sme.catalog.services import ProductInput, VariantInput, image_add, product_create
from tests.factories import owner_user


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    legal_form = LegalForm.LLC_ONE_MEMBER
    legal_name = factory.Sequence(lambda n: f"Công ty TNHH Sen Tháp Mười {n}")
    identifier = factory.Sequence(lambda n: f"{87_100_000_000 + n:012d}")
    main_sector = MainSector.C
    created_by = factory.LazyFunction(owner_user)


def owner_of(business: Business | None = None, **business_kwargs):
    """(business, owner user) with an owner membership."""
    business = business or BusinessFactory(**business_kwargs)
    user = owner_user()
    Membership.objects.create(business=business, user=user, role=MemberRole.OWNER)
    return business, user


def vi() -> Locale:
    return Locale.objects.get(language_code="vi")


def en() -> Locale:
    return Locale.objects.get_or_create(language_code="en")[0]


def journey() -> OnboardingJourneyPage:
    """The Vietnamese journey created by migration 0005."""
    return OnboardingJourneyPage.objects.get(locale=vi())


def guide_index() -> GuideIndexPage:
    return GuideIndexPage.objects.get(locale=vi())


def home() -> HomePage:
    return HomePage.objects.get(locale=vi())


def block(block_type: str, value, block_id: str | None = None) -> dict:
    return {"type": block_type, "value": value, "id": block_id or str(uuid.uuid4())}


def checklist(*items: str, title: str = "") -> dict:
    return block("checklist", {"title": title, "items": [block("item", item) for item in items]})


def add_step(parent=None, *, title: str, completion_rule: str = "mark_done", milestone: str = "",
             body: list | None = None, publish: bool = True, **fields) -> OnboardingStepPage:
    parent = parent or journey()
    step = OnboardingStepPage(
        title=title, slug=slugify(title) or f"step-{uuid.uuid4().hex[:6]}", summary=f"{title}: summary",
        completion_rule=completion_rule, milestone=milestone, body=body or [], live=publish, **fields,
    )
    parent.add_child(instance=step)
    revision = step.save_revision()
    if publish:
        revision.publish()
        step.refresh_from_db()
    return step


def add_guide(parent=None, *, title: str, tags=(), body: list | None = None, summary: str = "") -> GuidePage:
    parent = parent or guide_index()
    guide = GuidePage(title=title, slug=slugify(title), summary=summary or f"{title}.", body=body or [])
    parent.add_child(instance=guide)
    guide.tags.add(*tags)
    guide.save_revision().publish()
    guide.refresh_from_db()
    return guide


def translate(page, *, title: str, **fields):
    """An English, published translation of ``page`` (its parents are translated as aliases when needed)."""
    translated = page.copy_for_translation(en(), copy_parents=True)
    translated.title = title
    translated.draft_title = title
    for name, value in fields.items():
        setattr(translated, name, value)
    translated.save_revision().publish()
    translated.refresh_from_db()
    return translated


def photo_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (200, 60, 90)).save(out, format="JPEG")
    return out.getvalue()


def product(business: Business, *, name: str = "Trà tim sen Tháp Mười", status: str = "active", sku: str = ""):
    """A product created through the catalog's service, as the owner's form does."""
    return product_create(
        business=business,
        data=ProductInput(name=name, status=status),
        variants=[VariantInput(sku=sku or f"SKU-{uuid.uuid4().hex[:8]}", price=85_000, stock=5)],
        actor=None,
    )


def product_with_photo(business: Business, **kwargs):
    item = product(business, **kwargs)
    image_add(product=item, data=photo_bytes(), name="sen.jpg")
    return item
