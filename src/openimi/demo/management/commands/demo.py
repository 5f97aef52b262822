from django.core.management import call_command
from django.core.management.base import BaseCommand

from openimi.demo.data import DEMO_PASSWORD, DEMO_SECURITY_CODE, demo_logins, load_demo


class Command(BaseCommand):
    help = "Load reference data and the demo authorities and users (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-reference", action="store_true", help="Do not load the reference data first."
        )

    def handle(self, *args, **options):
        if not options["no_reference"]:
            call_command("load_reference", verbosity=0)
        created = load_demo()
        self.stdout.write(f"Demo data ready ({len(created)} users created now).")
        self.stdout.write("")
        self.stdout.write("Demo logins (every user):")
        self.stdout.write(f"  password:      {DEMO_PASSWORD}")
        self.stdout.write(f"  security code: {DEMO_SECURITY_CODE}")
        width = max(len(username) for username, _, _ in demo_logins())
        for username, authority, roles in demo_logins():
            self.stdout.write(f"  {username.ljust(width)}  {authority} – {roles}")
