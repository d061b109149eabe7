"""Replace Wagtail's placeholder welcome page with our HomePage and make it the site root."""

from django.db import migrations


def create_home_page(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    Locale = apps.get_model("wagtailcore", "Locale")
    HomePage = apps.get_model("cms", "HomePage")

    Page.objects.filter(depth=2, content_type__app_label="wagtailcore", content_type__model="page").delete()
    home_content_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="cms")
    locale = Locale.objects.order_by("pk").first()
    home = HomePage.objects.create(
        title="Đưa doanh nghiệp Đồng Tháp lên sàn thương mại điện tử",
        draft_title="Đưa doanh nghiệp Đồng Tháp lên sàn thương mại điện tử",
        slug="home",
        content_type=home_content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        locale=locale,
        live=True,
        intro=(
            "Chương trình của tỉnh giúp doanh nghiệp nhỏ và vừa, hộ kinh doanh đưa sản phẩm lên Shopee, Lazada, "
            "TikTok Shop, Tiki và website riêng: miễn phí, từng bước, bằng tiếng Việt."
        ),
        call_to_action_label="Đăng ký doanh nghiệp",
    )
    Site.objects.all().delete()
    Site.objects.create(hostname="localhost", root_page=home, is_default_site=True, site_name="Đồng Tháp SME Online")
    Page.objects.filter(depth=1).update(numchild=1)


def remove_home_page(apps, schema_editor):
    apps.get_model("cms", "HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_home_page"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [migrations.RunPython(create_home_page, remove_home_page)]
