"""Give content editors the journey and the guides, and nothing else; publishing goes through review.

Creates (when the Vietnamese home page exists and they do not yet) the two section pages the editors own:
the onboarding journey and the guide index. Then:

- group ``content_editor`` (the platform role): add, edit, lock and unlock pages below those two, FAQ
  snippets, and submitting translations. No publish: editors submit drafts for review.
- group ``Content reviewers`` (a Wagtail group; add people who approve): the same plus publish and delete,
  and the approval task of the workflow "Journey and guides review" attached to both sections.

English translations of the two sections get the same rows from ``cms.permissions`` when they are created.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4

EDITOR_GROUP = "content_editor"
REVIEWER_GROUP = "Content reviewers"
WORKFLOW_NAME = "Journey and guides review"
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page", "lock_page", "unlock_page"]
REVIEWER_PAGE_PERMISSIONS = [*EDITOR_PAGE_PERMISSIONS, "publish_page", "delete_page"]
FAQ_PERMISSIONS = ["add_frequentlyaskedquestion", "change_frequentlyaskedquestion",
                   "delete_frequentlyaskedquestion", "view_frequentlyaskedquestion"]

SECTIONS = [
    # (model name, slug, title, intro)
    ("onboardingjourneypage", "hanh-trinh-ban-hang-online", "Hành trình bán hàng online",
     "<p>Từng bước từ lúc chưa bán online đến đơn hàng đầu tiên.</p>"),
    ("guideindexpage", "cam-nang", "Cẩm nang bán hàng online",
     "<p>Hướng dẫn chi tiết cho người bán ở Đồng Tháp.</p>"),
]


def _next_child_path(Page, parent):
    last = Page.objects.filter(path__startswith=parent.path, depth=parent.depth + 1).order_by("-path").first()
    if last is None:
        return parent.path + "0" * (STEPLEN - 1) + "1"
    number = 0
    for char in last.path[-STEPLEN:]:
        number = number * len(ALPHABET) + ALPHABET.index(char)
    number += 1
    digits = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        digits = ALPHABET[rest] + digits
    return parent.path + digits.rjust(STEPLEN, "0")


def forward(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = None
    ContentType = apps.get_model("contenttypes", "ContentType")
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    HomePage = apps.get_model("cms", "HomePage")
    Locale = apps.get_model("wagtailcore", "Locale")

    editors, _ = Group.objects.get_or_create(name=EDITOR_GROUP)
    reviewers, _ = Group.objects.get_or_create(name=REVIEWER_GROUP)
    access_admin = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    reviewers.permissions.add(access_admin)
    for group in (editors, reviewers):
        for codename in FAQ_PERMISSIONS:
            group.permissions.add(Permission.objects.get(content_type__app_label="cms", codename=codename))
        group.permissions.add(Permission.objects.get(content_type__app_label="simple_translation",
                                                     codename="submit_translation"))
        for codename in ("choose_image", "add_image", "choose_document", "add_document"):
            app_label = "wagtailimages" if codename.endswith("image") else "wagtaildocs"
            group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))

    default_locale = Locale.objects.filter(language_code="vi").first() or Locale.objects.order_by("pk").first()
    home = HomePage.objects.filter(locale=default_locale).order_by("path").first()
    if home is None:
        return
    home_page = Page.objects.get(pk=home.pk)

    sections = []
    for model_name, slug, title, intro in SECTIONS:
        model = apps.get_model("cms", model_name)
        existing = model.objects.filter(path__startswith=home_page.path, depth=home_page.depth + 1).first()
        if existing is None:
            content_type, _ = ContentType.objects.get_or_create(app_label="cms", model=model_name)
            existing = model.objects.create(
                title=title, draft_title=title, slug=slug, content_type=content_type,
                path=_next_child_path(Page, home_page), depth=home_page.depth + 1, numchild=0,
                url_path=f"{home_page.url_path}{slug}/", locale_id=home_page.locale_id, live=True,
                has_unpublished_changes=False, intro=intro,
            )
            home_page.numchild += 1
            home_page.save(update_fields=["numchild"])
        sections.append(existing)

    page_content_type = ContentType.objects.get(app_label="wagtailcore", model="page")
    for section in sections:
        for group, codenames in ((editors, EDITOR_PAGE_PERMISSIONS), (reviewers, REVIEWER_PAGE_PERMISSIONS)):
            for codename in codenames:
                permission = Permission.objects.get(content_type=page_content_type, codename=codename)
                GroupPagePermission.objects.get_or_create(group=group, page_id=section.pk, permission=permission)

    workflow, created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    if created:
        task_content_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
        task = GroupApprovalTask.objects.create(name="Review by a content reviewer", active=True,
                                                content_type=task_content_type)
        task.groups.add(reviewers)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    for section in sections:
        WorkflowPage.objects.update_or_create(page_id=section.pk, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_owner_progress"),
        ("accounts", "0002_roles"),
        ("simple_translation", "0001_initial"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
