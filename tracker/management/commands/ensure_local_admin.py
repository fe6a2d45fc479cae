from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

USERNAME = "admin"
PASSWORD = "admin"


class Command(BaseCommand):
    help = "Make sure a local admin login exists (development only: DEBUG must be on)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/admin/", help="Where the admin will be."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Refusing to create a local admin with a known password while DEBUG is off. "
                "Use 'manage.py createsuperuser' on a real deployment."
            )
        User = get_user_model()
        user = User.objects.filter(username=USERNAME).first()
        if user is None:
            User.objects.create_superuser(USERNAME, "admin@localhost", PASSWORD)
            state = "created"
        else:
            state = "already there"
        self.stdout.write(
            f"Local admin login ({state}): {options['url']} "
            f"user '{USERNAME}', password '{PASSWORD}' unless you changed it."
        )
