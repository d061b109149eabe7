"""allauth's signals about linked provider accounts and sign-ins, written to the audit trail and the session."""

from allauth.account.signals import user_logged_in
from allauth.socialaccount.signals import social_account_added, social_account_removed
from django.dispatch import receiver

from . import sso
from .audit import audit_record
from .models import AuditAction


@receiver(social_account_added)
def audit_provider_linked(sender, request, sociallogin, **kwargs):
    audit_record(action=AuditAction.SSO_LINKED, actor=request.user, target=request.user.email, request=request,
                 details={"provider": sociallogin.account.provider})


@receiver(social_account_removed)
def audit_provider_unlinked(sender, request, socialaccount, **kwargs):
    audit_record(action=AuditAction.SSO_UNLINKED, actor=request.user, target=request.user.email, request=request,
                 details={"provider": socialaccount.provider})


@receiver(user_logged_in)
def remember_provider_session(sender, request, user, sociallogin=None, **kwargs):
    if sociallogin is not None:
        sso.remember_sso_session(request=request, sociallogin=sociallogin)
