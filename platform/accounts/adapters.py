"""allauth adapters: who may sign up, and what a new sign-up becomes."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.utils import translation

from .roles import Role
from .services import user_set_roles


class AccountAdapter(DefaultAccountAdapter):
    """Self sign-up creates a business member; officers and editors are created by staff."""

    def is_open_for_signup(self, request) -> bool:
        return getattr(settings, "ACCOUNT_ALLOW_SIGNUP", True)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            user_set_roles(user=user, roles=(Role.BUSINESS_MEMBER,))
        return user

    def send_mail(self, template_prefix, email, context):
        """Write to a user in their saved language, whatever language the request happens to be in."""
        language = getattr(context.get("user"), "preferred_language", None)
        with translation.override(language or translation.get_language()):
            super().send_mail(template_prefix, email, context)
