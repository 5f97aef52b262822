"""``openimi load_reference``: load the versioned reference data; safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from openimi.authorities.reference import ReferenceDataError, load_reference


class Command(BaseCommand):
    help = (
        "Load the reference data (languages, countries, legislative areas, keywords, NACE "
        "sectors, policy areas) from the versioned fixtures. Idempotent: running it again "
        "changes nothing; items that left a fixture are kept, never deleted."
    )

    def handle(self, *args, **options) -> None:
        stdout = self.stdout if options["verbosity"] > 0 else None
        try:
            counts = load_reference(stdout=stdout)
        except ReferenceDataError as error:
            raise CommandError(error.message) from error
        if stdout is not None:
            total = sum(counts.values())
            self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {total} items."))
