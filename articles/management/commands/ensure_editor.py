"""Create the local editor account that `make run` prints, for trying the admin, once: an
existing account's password is never reset (an editor may have changed it)."""

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

LOGIN_FILE = Path(settings.BASE_DIR) / ".editor-login"


class Command(BaseCommand):
    help = "Create the 'editor' staff account with the Editors group, and print its login."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="editor")
        parser.add_argument(
            "--address", default="http://127.0.0.1:8000", help="where the archive is served"
        )

    def handle(self, *args, username, address, **options):
        editors, _ = Group.objects.get_or_create(name="Editors")
        editors.permissions.set(Permission.objects.filter(content_type__app_label="articles"))

        user, created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True}
        )
        if created:
            password = secrets.token_urlsafe(12)
            user.set_password(password)
            LOGIN_FILE.write_text(password + "\n")
            LOGIN_FILE.chmod(0o600)
        user.is_staff = True
        user.save()
        user.groups.add(editors)
        login = f"Editor login for {address.rstrip('/')}/admin/ : {username}"
        password = LOGIN_FILE.read_text().strip() if LOGIN_FILE.exists() else ""
        if password and user.check_password(password):
            self.stdout.write(f"{login} / {password}  (kept in {LOGIN_FILE.name})")
        else:
            self.stdout.write(
                f"{login}, with the password set earlier"
                f" (to set another: manage.py changepassword {username})"
            )
