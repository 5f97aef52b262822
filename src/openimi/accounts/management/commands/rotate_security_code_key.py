"""``openimi rotate_security_code_key``: re-encrypt every security code, and every
authenticator app's secret (sealed with the same keys), with one key.

Rotation: add the new key to SECURITY_CODE_KEYS (keep the old one), make it
SECURITY_CODE_CURRENT_KEY_ID, restart, run this command; when it reports no failures, the old
key may be removed. Safe to run while people log in (row by row, each under a row lock) and
safe to run again.
"""

from django.core.management.base import BaseCommand, CommandError

from openimi.accounts.authenticators import authenticator_reencrypt_all
from openimi.accounts.security_code import SecurityCodeKeyMissing, security_code_reencrypt_all


class Command(BaseCommand):
    help = "Re-encrypt every security code with the current key (or --key-id) and report counts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--key-id",
            default=None,
            help="Key id to encrypt with (default: SECURITY_CODE_CURRENT_KEY_ID).",
        )

    def handle(self, *args, key_id=None, **options):
        try:
            result = security_code_reencrypt_all(to_key_id=key_id)
        except SecurityCodeKeyMissing as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"Security codes under key {result.to_key_id!r}: "
            f"{result.reencrypted} re-encrypted, {result.already_current} already current, "
            f"{result.failed_total} failed."
        )
        for old_key_id, count in sorted(result.failed.items()):
            self.stderr.write(
                f"{count} code(s) under key {old_key_id!r} could not be decrypted: "
                "is that key still in SECURITY_CODE_KEYS?"
            )
        apps_done, apps_failed = authenticator_reencrypt_all(to_key_id=result.to_key_id)
        self.stdout.write(
            f"Authenticator app secrets: {apps_done} re-encrypted, "
            f"{sum(apps_failed.values())} failed."
        )
        for old_key_id, count in sorted(apps_failed.items()):
            self.stderr.write(
                f"{count} authenticator secret(s) under key {old_key_id!r} could not be "
                "decrypted: is that key still in SECURITY_CODE_KEYS?"
            )
        if result.failed_total or apps_failed:
            raise CommandError("Some secrets were not re-encrypted; keep the old keys.")
