"""Factories for businesses, memberships and the team."""

import datetime

import factory
from django.utils import timezone

from sme.businesses.models import (
    AdministrativeUnit,
    Business,
    Invitation,
    JoinRequest,
    LegalForm,
    MainSector,
    MemberRole,
    Membership,
    OcopGroup,
    OcopProduct,
)
from sme.businesses.selectors import token_hash
from tests.factories import UserFactory, owner_user


def ward(code: str = "30226") -> AdministrativeUnit:
    """A current unit from the loaded fixture (default Xã Lai Vung)."""
    return AdministrativeUnit.objects.current().get(code=code)


class BusinessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Business

    legal_form = LegalForm.LLC_ONE_MEMBER
    legal_name = factory.Sequence(lambda n: f"Công ty TNHH Thử Nghiệm {n}")
    # Valid 10-digit tax codes: prefix 14 + a 7-digit sequence + the check digit.
    identifier = factory.Sequence(lambda n: _tax_code(n))
    main_sector = MainSector.C
    phone = "+84901234567"
    email = factory.Sequence(lambda n: f"shop{n}@example.test")
    street = "12 Nguyễn Huệ"
    ward = factory.LazyFunction(ward)
    created_by = factory.SubFactory(UserFactory)


def _tax_code(n: int) -> str:
    from stdnum.vn import mst

    seq = 1000 + n
    while True:
        prefix = f"14{seq:07d}"
        check = mst.calc_check_digit(prefix)
        if check != "10":
            return prefix + check
        seq += 100000


class HouseholdFactory(BusinessFactory):
    legal_form = LegalForm.HOUSEHOLD
    legal_name = factory.Sequence(lambda n: f"Hộ kinh doanh Thử {n}")
    identifier = factory.Sequence(lambda n: f"087186{n:06d}")
    main_sector = MainSector.A


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.STAFF


class OcopProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OcopProduct

    business = factory.SubFactory(BusinessFactory)
    name = "Trà tim sen"
    stars = 4
    product_group = OcopGroup.BEVERAGES
    certificate_no = factory.Sequence(lambda n: f"OCOP-{n}")
    issued_on = datetime.date(2025, 3, 1)
    expires_on = datetime.date(2028, 3, 1)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation
        exclude = ("token",)

    business = factory.SubFactory(BusinessFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.test")
    role = MemberRole.STAFF
    token = factory.Sequence(lambda n: f"token-{n}")
    token_hash = factory.LazyAttribute(lambda o: token_hash(o.token))
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class JoinRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JoinRequest

    business = factory.SubFactory(BusinessFactory)
    user = factory.SubFactory(UserFactory)
    message = "Tôi là kế toán của cơ sở."


def business_with_owner(factory_class=BusinessFactory, **kwargs):
    """A business and its owner (a business member user)."""
    owner = owner_user()
    business = factory_class(created_by=owner, **kwargs)
    MembershipFactory(business=business, user=owner, role=MemberRole.OWNER)
    return business, owner
