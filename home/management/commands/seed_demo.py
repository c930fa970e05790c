"""Build the demo shop. Safe to run again: it creates only what is missing.

The seed composes every app (it is the one place at the top of the dependency graph).
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from home.services import site_tree_ensure


class Command(BaseCommand):
    help = "Create the demo shop: page tree, vendors, categories, products, stock and accounts."

    def add_arguments(self, parser):
        parser.add_argument("--admin-email", default="admin@nexus.localhost")
        parser.add_argument("--admin-password", default="nexus-admin")

    def handle(self, *args, admin_email: str, admin_password: str, **options):
        site_tree_ensure()
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            email=admin_email.lower(),
            defaults={"is_staff": True, "is_superuser": True, "first_name": "Admin"},
        )
        if created or not admin.check_password(admin_password):
            admin.set_password(admin_password)
            admin.save()
        self.stdout.write(self.style.SUCCESS(f"Admin login: {admin_email} / {admin_password}"))
