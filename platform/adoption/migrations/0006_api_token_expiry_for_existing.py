"""Tokens created before tokens expired get ADOPTION_API_TOKEN_DAYS (90 by default) from their creation."""

import datetime

from django.conf import settings
from django.db import migrations


def set_expiry(apps, schema_editor):
    ApiToken = apps.get_model("adoption", "ApiToken")
    days = datetime.timedelta(days=getattr(settings, "ADOPTION_API_TOKEN_DAYS", 90))
    for token in ApiToken.objects.filter(expires_at__isnull=True).only("pk", "created_at"):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=token.created_at + days)


class Migration(migrations.Migration):
    dependencies = [("adoption", "0005_api_token_expires_at")]

    operations = [migrations.RunPython(set_expiry, migrations.RunPython.noop)]
