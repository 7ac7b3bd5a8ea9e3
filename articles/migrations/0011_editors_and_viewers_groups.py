"""The admin's two roles, on every deployment: "Editors" hold every permission of the articles
app (import, correct, merge, decide pairs, delete), "Viewers" only its view permissions.
Staff accounts get their rights by joining one of them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def groups_create(apps, schema_editor):
    # Permissions are normally made after all migrations ran (post_migrate); on a fresh
    # database they do not exist yet, so make those of the articles app now.
    articles = apps.get_app_config("articles")
    articles.models_module = True
    create_permissions(articles, apps=apps, verbosity=0)
    articles.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="articles")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(*permissions)
    viewers, _ = Group.objects.get_or_create(name="Viewers")
    viewers.permissions.add(*permissions.filter(codename__startswith="view_"))


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0010_organisation_keys_united_states"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(groups_create, migrations.RunPython.noop)]
