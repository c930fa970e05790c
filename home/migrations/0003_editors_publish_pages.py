"""Editors publish the pages they curate: add, change and publish on the page tree's root.

Wagtail's initial data gives the Editors group add and change only, so editors saw no Publish
on the home page, categories or the shop index, and approving a submission failed for lack of
the right to publish it. `nexus.site_tree.editors_group_ensure` grants the same on new databases.
"""

from django.db import migrations

PERMISSION_TYPES = ("add", "change", "publish")


def grant(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    Page = apps.get_model("wagtailcore", "Page")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    group = Group.objects.filter(name="Editors").first()
    root = Page.objects.filter(depth=1).order_by("path").first()
    if group is None or root is None:
        return
    for permission_type in PERMISSION_TYPES:
        permission = Permission.objects.filter(
            content_type__app_label="wagtailcore", codename=f"{permission_type}_page"
        ).first()
        if permission is not None:
            GroupPagePermission.objects.get_or_create(
                group=group, page=root, permission=permission
            )


def revoke(apps, schema_editor):
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupPagePermission.objects.filter(
        group__name="Editors", page__depth=1, permission__codename="publish_page"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0002_shopsettings_moves_to_catalog"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
