# Deleting a campaign keeps the cool-down of the businesses it contacted.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('outreach', '0003_letter_pdf_retention_and_reprints'),
    ]

    operations = [
        migrations.AlterField(
            model_name='recentcontact',
            name='campaign',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='outreach.campaign'),
        ),
    ]
