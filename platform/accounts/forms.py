from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds to its own (email, password): the name, and consent to the terms
    and privacy notice, recorded with the notice's version and the time (ACCOUNTS_SIGNUP_CONSENT_RECORDER)."""

    full_name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(
        attrs={"autocomplete": "name"}))
    accept_terms = forms.BooleanField(
        label=_("I accept the terms of use and agree to my data being processed as the privacy notice describes."),
        error_messages={"required": _("Tick the box to accept the terms and the privacy notice: we cannot create "
                                      "an account without your consent.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["accept_terms"].help_text = format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse(settings.ACCOUNTS_PRIVACY_NOTICE_URL_NAME), _("Read the privacy notice"))

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"].strip()
        language = translation.get_language()
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        user.preferred_language = language
        user.save(update_fields=["full_name", "preferred_language"])
        record_consent = import_string(settings.ACCOUNTS_SIGNUP_CONSENT_RECORDER)
        record_consent(user=user, language=language)
