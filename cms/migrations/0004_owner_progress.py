from django.conf import settings
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('businesses', '0001_business_membership'),
        ('cms', '0003_journey_guides_faq'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ChecklistTick',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('step_key', models.UUIDField(verbose_name='step')),
                ('item_id', models.CharField(max_length=64, verbose_name='checklist item')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='journey_ticks', to='businesses.business')),
                ('ticked_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'checklist tick',
                'verbose_name_plural': 'checklist ticks',
                'ordering': ['business', 'step_key', 'created_at'],
                'constraints': [models.UniqueConstraint(fields=('business', 'step_key', 'item_id'), name='uniq_checklisttick_business_step_item')],
            },
        ),
        migrations.CreateModel(
            name='MarketplaceInterest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('marketplace', models.CharField(choices=[('shopee', 'Shopee'), ('lazada', 'Lazada'), ('tiktok', 'TikTok Shop'), ('tiki', 'Tiki'), ('postmart', 'Postmart'), ('voso', 'Voso'), ('woocommerce', 'Own website (WooCommerce)')], max_length=32, verbose_name='marketplace')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='marketplace_interests', to='businesses.business')),
            ],
            options={
                'verbose_name': 'marketplace of interest',
                'verbose_name_plural': 'marketplaces of interest',
                'ordering': ['business', 'marketplace'],
                'constraints': [models.UniqueConstraint(fields=('business', 'marketplace'), name='uniq_marketplaceinterest_business_marketplace')],
            },
        ),
        migrations.CreateModel(
            name='StepCompletion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('step_key', models.UUIDField(verbose_name='step')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('business', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='journey_completions', to='businesses.business')),
                ('completed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'step marked as done',
                'verbose_name_plural': 'steps marked as done',
                'ordering': ['business', 'created_at'],
                'constraints': [models.UniqueConstraint(fields=('business', 'step_key'), name='uniq_stepcompletion_business_step')],
            },
        ),
    ]
