from django import forms
from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds to its own (email, password)."""

    full_name = forms.CharField(label=_("Full name"), max_length=150, widget=forms.TextInput(
        attrs={"autocomplete": "name"}))

    def signup(self, request, user):
        user.full_name = self.cleaned_data["full_name"].strip()
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        user.save(update_fields=["full_name", "preferred_language"])
