"""``openimi network_admin``: the installation's operators (``accounts/operators.py``).

    openimi network_admin create --username U --email E --first-name F --last-name L
                                 [--language nl] [--mail]
    openimi network_admin grant USERNAME
    openimi network_admin revoke USERNAME
    openimi network_admin list

``create`` makes a user of no authority holding the network administrator's role and prints
its temporary password once (or e-mails it, ``--mail``); at the first login the user chooses
their own password and security code, like everyone.
"""

from django.core.management.base import BaseCommand, CommandError

from openimi.accounts import operators
from openimi.common.errors import ApplicationError


class Command(BaseCommand):
    help = (
        "Create, grant, revoke or list the network administrators (the installation's operators)."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        create = commands.add_parser("create", help="Create a network administrator.")
        create.add_argument("--username", required=True)
        create.add_argument("--email", required=True)
        create.add_argument("--first-name", required=True)
        create.add_argument("--last-name", required=True)
        create.add_argument("--language", default="en", help="Interface language (default en).")
        create.add_argument(
            "--mail",
            action="store_true",
            help="E-mail the temporary password instead of printing it.",
        )
        for name, text in (
            ("grant", "Give an existing user the network administrator's role."),
            ("revoke", "Take the network administrator's role from a user."),
        ):
            sub = commands.add_parser(name, help=text)
            sub.add_argument("username")
        commands.add_parser("list", help="List the network administrators.")

    def handle(self, *args, subcommand, **options):
        try:
            getattr(self, f"_{subcommand}")(**options)
        except ApplicationError as error:
            field = f"{error.field}: " if error.field else ""
            raise CommandError(f"{field}{error.message}") from None

    def _create(self, *, username, email, first_name, last_name, language, mail, **_options):
        created = operators.network_administrator_create(
            username=username,
            email=email,
            first_name=first_name,
            last_name=last_name,
            language=language,
            mail=mail,
        )
        user = created.user
        self.stdout.write(f"Network administrator {user.username} created.")
        if created.temporary_password is None:
            self.stdout.write(f"The temporary password was e-mailed to {user.email}.")
        else:
            self.stdout.write(
                "Temporary password (shown only now; the user chooses their own password and "
                f"security code at the first login): {created.temporary_password}"
            )

    def _grant(self, *, username, **_options):
        if operators.network_administrator_grant(username=username):
            self.stdout.write(f"{username} is now a network administrator.")
        else:
            self.stdout.write(f"{username} was already a network administrator.")

    def _revoke(self, *, username, **_options):
        if operators.network_administrator_revoke(username=username):
            self.stdout.write(f"{username} is no longer a network administrator.")
        else:
            self.stdout.write(f"{username} was not a network administrator.")

    def _list(self, **_options):
        users = operators.network_administrator_list()
        if not users:
            self.stdout.write("There is no network administrator.")
        for user in users:
            authority = user.authority.official_name if user.authority else "-"
            state = "" if user.is_active else " (inactive)"
            self.stdout.write(
                f"{user.username}\t{user.get_full_name()}\t{user.email}\t{authority}{state}"
            )
