"""``openimi load_reference``: load the versioned reference data; safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from openimi.authorities.reference import ReferenceDataError, load_reference
from openimi.exchange.reference import load_question_sets
from openimi.onboarding.services import faq_first_pages_load


class Command(BaseCommand):
    help = (
        "Load the reference data (languages, countries, legislative areas, keywords, NACE "
        "sectors, policy areas, question sets) from the versioned fixtures. Idempotent: running "
        "it again changes nothing; items that left a fixture are kept, never deleted. Names "
        "and order of legislative areas, keywords and policy areas changed in the product are "
        "kept (new languages are added) unless --overwrite is given."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Put the names and order of legislative areas, keywords and policy areas back "
            "to the fixtures' (a corrected fixture text reaches the installation).",
        )

    def handle(self, *args, **options) -> None:
        stdout = self.stdout if options["verbosity"] > 0 else None
        try:
            counts = load_reference(stdout=stdout, overwrite=options["overwrite"])
            # Question sets name legislative areas, so they come after the directory's data.
            question_sets = load_question_sets(stdout=stdout)
            # The first FAQ pages, where the network administrator has none at their address.
            faq_first_pages_load()
        except ReferenceDataError as error:
            raise CommandError(error.message) from error
        if stdout is not None:
            total = sum(counts.values()) + sum(count.items for count in question_sets.values())
            self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {total} items."))
