"""factory_boy factories shared by the test suite."""

import factory
from allauth.account.models import EmailAddress
from django.conf import settings

from accounts.models import User
from accounts.roles import Role
from accounts.services import user_set_roles

DEFAULT_PASSWORD = "correct-horse-battery-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.Faker("name", locale="vi_VN")
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        self.save()
        if create and extracted:
            user_set_roles(user=self, roles=tuple(extracted))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def owner_user(**kwargs) -> User:
    return UserFactory(roles=[Role.BUSINESS_MEMBER], **kwargs)


def record_allauth_sign_in(client, user, *, mfa: bool | None = None) -> None:
    """Record in ``client``'s session what allauth records when ``user`` signs in: a password step, and a
    two-factor step when ``mfa`` (default: when the user has an authenticator). Uses allauth's own function."""
    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.http import HttpRequest

    request = HttpRequest()
    request.session = client.session
    record_authentication(request, user, "password", email=user.email)
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is not None and mfa is not False:
        record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    request.session.save()
    client.cookies[settings.SESSION_COOKIE_NAME] = request.session.session_key
