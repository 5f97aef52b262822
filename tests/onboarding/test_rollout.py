"""The rollout table: reading the seed's Bijlage 4 as CSV and XLSX, the checks, saving it,
creating its users twice without duplicates, and the export."""

import csv
import io

import pytest
from openpyxl import load_workbook

from openimi.accounts.models import Role, RoleGrant, User
from openimi.common.errors import ApplicationError, PermissionDenied
from openimi.notifications.models import OutboxMessage
from openimi.onboarding import importers, selectors, services
from openimi.onboarding.models import RolloutPlan, RolloutRow
from tests.factories import UserFactory
from tests.onboarding.conftest import SEED_EMAILS, write_xlsx

pytestmark = pytest.mark.django_db


def _read(path):
    return importers.read_table(name=path.name, content=path.read_bytes())


def _import(lda, path):
    rows = selectors.rollout_check(authority=lda.authority, rows=_read(path))
    return services.rollout_import(
        actor=lda, authority=lda.authority, rows=services.parsed_as_dicts(rows)
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_seed_table_reads_without_problems(lda, seed_csv, seed_xlsx, kind):
    path = seed_csv if kind == "csv" else seed_xlsx
    rows = selectors.rollout_check(authority=lda.authority, rows=_read(path))
    assert [row.email for row in rows] == SEED_EMAILS
    assert [row.problems for row in rows] == [[], [], [], []]
    assert rows[0].department == "Economische Zaken" and rows[0].name == "Bram Pauwels"
    assert rows[2].roles == [
        [Role.REQUEST_HANDLER, "services"],
        [Role.ALLOCATOR, "services"],
    ]
    assert rows[3].roles == [[Role.ALLOCATOR, "services"]]


def test_a_language_column_gives_each_new_user_a_language(lda, tmp_path):
    """Optional; its code or its name in any interface language; without it, or empty, the
    authority's language; an unknown one is a problem of the row."""
    path = write_xlsx(
        tmp_path / "languages.xlsx",
        [
            ["Name", "Mailbox", "Roles", "Taal"],
            ["Klaus Weber", "k.weber@oeteldonk.nl", "Basic user", "Deutsch"],
            ["Anna Nowak", "a.nowak@oeteldonk.nl", "Basic user", "Polish"],
            ["Eleni Papadopoulou", "e.pap@oeteldonk.nl", "Basic user", "el"],
            ["Ola Nordmann", "o.nordmann@oeteldonk.nl", "Basic user", "Noors"],
            ["Piet Jansen", "p.jansen@oeteldonk.nl", "Basic user", ""],
        ],
    )
    rows = selectors.rollout_check(authority=lda.authority, rows=_read(path))
    assert [row.language for row in rows] == ["de", "pl", "el", "nb", ""]
    assert not any(row.problems for row in rows)
    services.rollout_import(actor=lda, authority=lda.authority, rows=services.parsed_as_dicts(rows))
    services.rollout_apply(actor=lda, authority=lda.authority)
    languages = dict(
        User.objects.filter(authority=lda.authority, email__contains="@oeteldonk.nl")
        .exclude(pk=lda.pk)
        .values_list("email", "language")
    )
    assert languages == {
        "k.weber@oeteldonk.nl": "de",
        "a.nowak@oeteldonk.nl": "pl",
        "e.pap@oeteldonk.nl": "el",
        "o.nordmann@oeteldonk.nl": "nb",
        "p.jansen@oeteldonk.nl": "nl",  # the authority's
    }
    exported = load_workbook(io.BytesIO(selectors.rollout_export(authority=lda.authority))).active
    assert [row[5] for row in exported.iter_rows(min_row=2, values_only=True)] == [
        "Deutsch",
        "polski",
        "Ελληνικά",
        "norsk bokmål",
        None,
    ]

    unknown = write_xlsx(
        tmp_path / "unknown.xlsx",
        [
            ["Name", "Mailbox", "Roles", "Language"],
            ["Kim", "kim@oeteldonk.nl", "Basic user", "Klingon"],
        ],
    )
    (row,) = selectors.rollout_check(authority=lda.authority, rows=_read(unknown))
    assert row.problems == ["Unknown language: “Klingon”."]


def test_english_headers_and_roles(lda, tmp_path):
    path = write_xlsx(
        tmp_path / "english.xlsx",
        [
            ["Department", "Laws and regulations", "Name", "Mailbox", "Roles"],
            [
                "Licensing",
                "Services Act",
                "Ann Smith",
                "ann@oeteldonk.nl",
                "Request handler, Supervisor, Local data administrator",
            ],
        ],
    )
    (row,) = selectors.rollout_check(authority=lda.authority, rows=_read(path))
    assert row.problems == []
    assert row.laws == "Services Act"
    assert row.roles == [
        [Role.REQUEST_HANDLER, "services"],
        [Role.SUPERVISOR, "services"],
        [Role.LOCAL_DATA_ADMINISTRATOR, None],
    ]


def test_every_kind_of_problem_is_shown(lda, errors_csv):
    rows = selectors.rollout_check(authority=lda.authority, rows=_read(errors_csv))
    problems = [" ".join(row.problems) for row in rows]
    assert "not a valid e-mail address" in problems[0]
    assert "Unknown role" in problems[1] and "Gatekeeper" in problems[1]
    assert "a person is there twice" in problems[2]
    assert "does not work in the area" in problems[2]
    assert "The name is missing" in problems[3]


def test_a_file_full_of_errors_creates_nothing(lda, errors_csv):
    rows = selectors.rollout_check(authority=lda.authority, rows=_read(errors_csv))
    users_before = User.objects.count()
    with pytest.raises(ApplicationError):
        services.rollout_import(
            actor=lda, authority=lda.authority, rows=services.parsed_as_dicts(rows)
        )
    assert not RolloutPlan.objects.exists() and not RolloutRow.objects.exists()
    assert User.objects.count() == users_before


def test_unreadable_files_are_refused(lda):
    with pytest.raises(ApplicationError, match="CSV or Excel"):
        importers.read_table(name="table.pdf", content=b"%PDF")
    with pytest.raises(ApplicationError, match="could not be read"):
        importers.read_table(name="table.xlsx", content=b"not a workbook")
    with pytest.raises(ApplicationError, match="first row must name the columns"):
        importers.read_table(name="t.csv", content=b"a,b\n1,2\n")


def test_import_and_apply_twice_duplicates_nothing(lda, seed_csv, seed_xlsx):
    _import(lda, seed_csv)
    first = services.rollout_apply(actor=lda, authority=lda.authority, batch_size=3)
    assert len(first.created) == 4 and not first.failed
    created = User.objects.filter(email__in=SEED_EMAILS)
    assert created.count() == 4
    pieter = created.get(email="p.dekort@oeteldonk.nl")
    assert (pieter.first_name, pieter.last_name, pieter.username) == (
        "Pieter",
        "de Kort",
        "pieter.dekort",
    )
    assert pieter.status == User.Status.PENDING
    energie = created.get(email="energie@oeteldonk.nl")
    assert set(RoleGrant.objects.filter(user=energie).values_list("role", flat=True)) == {
        Role.REQUEST_HANDLER,
        Role.ALLOCATOR,
    }
    plan = RolloutPlan.objects.get(authority=lda.authority)
    assert (plan.apply_done, plan.apply_total) == (4, 4) and plan.applied_by == lda
    mails = OutboxMessage.objects.count()
    grants = RoleGrant.objects.count()

    # The same table again, now as .xlsx, imported and applied: nothing new.
    _import(lda, seed_xlsx)
    again = services.rollout_apply(actor=lda, authority=lda.authority)
    assert len(again.created) == 0 and len(again.updated) == 0 and len(again.unchanged) == 4
    assert User.objects.filter(email__in=SEED_EMAILS).count() == 4
    assert RoleGrant.objects.count() == grants and OutboxMessage.objects.count() == mails
    assert RolloutRow.objects.filter(user__isnull=False).count() == 4


def test_apply_adds_missing_roles_to_an_existing_user(lda, seed_csv, services_area):
    existing = UserFactory(authority=lda.authority, email="b.pauwels@oeteldonk.nl", roles=[])
    _import(lda, seed_csv)
    result = services.rollout_apply(actor=lda, authority=lda.authority)
    assert result.updated == [existing]
    assert RoleGrant.objects.filter(user=existing, role=Role.REQUEST_HANDLER).exists()
    assert User.objects.filter(email="b.pauwels@oeteldonk.nl").count() == 1


def test_only_the_authoritys_administrators(lda, other_lda, handler, seed_csv):
    rows = services.parsed_as_dicts(_read(seed_csv))
    for actor in (other_lda, handler):
        with pytest.raises(PermissionDenied):
            services.rollout_import(actor=actor, authority=lda.authority, rows=rows)
    _import(lda, seed_csv)
    for actor in (other_lda, handler):
        with pytest.raises(PermissionDenied):
            services.rollout_apply(actor=actor, authority=lda.authority)
    assert not User.objects.filter(email__in=SEED_EMAILS).exists()


def test_export_can_be_imported_again(lda, seed_csv, tmp_path, settings):
    settings.LANGUAGE_CODE = "en"
    _import(lda, seed_csv)
    content = selectors.rollout_export(authority=lda.authority)
    sheet = load_workbook(io.BytesIO(content)).active
    values = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == [
        "Department",
        "Laws and regulations",
        "Name",
        "Mailbox",
        "Roles",
        "Language",
    ]
    assert values[3] == [
        "Energie",
        "",
        "Energiemarkt",
        "energie@oeteldonk.nl",
        "Behandelaar / Toewijzer",
        "",
    ]
    path = tmp_path / "export.xlsx"
    path.write_bytes(content)
    rows = selectors.rollout_check(authority=lda.authority, rows=_read(path))
    assert [row.email for row in rows] == SEED_EMAILS and not any(row.problems for row in rows)


def test_preview_matches_existing_users_by_email_and_applying_makes_no_second_account(
    lda, seed_csv, services_area
):
    """Issue 15, item 6: a row whose address belongs to a user of the authority (in any case)
    is that user: the preview says so, applying adds the roles, never a second account."""
    bram = UserFactory(
        authority=lda.authority,
        username="bram.pauwels",
        first_name="Bram",
        last_name="Pauwels",
        email="B.Pauwels@Oeteldonk.nl",
        roles=[(Role.SUPERVISOR, services_area)],
    )
    pieter = UserFactory(
        authority=lda.authority,
        username="pieter.dekort",
        first_name="Pieter",
        last_name="de Kort",
        email="p.dekort@oeteldonk.nl",
        department="Bouw en Woningtoezicht",
        roles=[(Role.REQUEST_HANDLER, services_area)],
    )
    rows = selectors.rollout_check(authority=lda.authority, rows=_read(seed_csv))
    assert [row.match for row in rows] == [
        importers.MATCH_ADD_ROLES,
        importers.MATCH_UNCHANGED,
        importers.MATCH_NEW,
        importers.MATCH_NEW,
    ]
    assert rows[0].existing_username == "bram.pauwels"
    assert rows[1].existing_username == "pieter.dekort"
    assert [row.problems for row in rows] == [[], [], [], []]

    _import(lda, seed_csv)
    # The saved table links the existing users at once.
    assert list(RolloutRow.objects.order_by("position").values_list("user_id", flat=True))[:2] == [
        bram.pk,
        pieter.pk,
    ]
    result = services.rollout_apply(actor=lda, authority=lda.authority)
    assert result.updated == [bram] and result.unchanged == [pieter] and len(result.created) == 2
    assert User.objects.filter(first_name="Bram", last_name="Pauwels").count() == 1
    assert User.objects.filter(first_name="Pieter", last_name="de Kort").count() == 1
    assert set(RoleGrant.objects.filter(user=bram).values_list("role", flat=True)) == {
        Role.SUPERVISOR,
        Role.REQUEST_HANDLER,
    }


def test_preview_warns_when_a_new_row_has_the_name_of_an_existing_user(lda, seed_csv):
    """The seed's table next to the demo's users: the addresses differ, the names do not.
    The preview warns before a second Bram Pauwels is made, naming the existing account."""
    UserFactory(
        authority=lda.authority,
        username="bram.pauwels",
        first_name="Bram",
        last_name="Pauwels",
        email="b.pauwels@oeteldonk.example.nl",
    )
    rows = selectors.rollout_check(authority=lda.authority, rows=_read(seed_csv))
    assert rows[0].match == importers.MATCH_NEW
    assert len(rows[0].warnings) == 1
    assert "bram.pauwels" in rows[0].warnings[0]
    assert "b.pauwels@oeteldonk.example.nl" in rows[0].warnings[0]
    assert [row.warnings for row in rows[1:]] == [[], [], []]


def test_a_functional_mailbox_gets_a_sensible_name_and_username(lda, seed_csv):
    """ "Publieksbalie" is a mailbox, not a person: no "Publieksbalie Publieksbalie"."""
    _import(lda, seed_csv)
    services.rollout_apply(actor=lda, authority=lda.authority)
    balie = User.objects.get(email="publieksbalie@oeteldonk.nl")
    assert (balie.first_name, balie.last_name, balie.username) == (
        "Publieksbalie",
        "Gemeente Oeteldonk",
        "publieksbalie",
    )
    energie = User.objects.get(email="energie@oeteldonk.nl")
    assert (energie.first_name, energie.last_name, energie.username) == (
        "Energiemarkt",
        "Gemeente Oeteldonk",
        "energiemarkt",
    )
    # With a town the authority's town is the last name, as the demo's "Publieksbalie Oeteldonk".
    lda.authority.city = "Oeteldonk"
    assert services.mailbox_names("Publieksbalie", lda.authority) == (
        "Publieksbalie",
        "Oeteldonk",
    )


def test_the_department_column_becomes_the_users_department(lda, seed_csv, services_area):
    existing = UserFactory(authority=lda.authority, email="p.dekort@oeteldonk.nl", department="")
    _import(lda, seed_csv)
    services.rollout_apply(actor=lda, authority=lda.authority)
    assert User.objects.get(email="b.pauwels@oeteldonk.nl").department == "Economische Zaken"
    existing.refresh_from_db()
    assert existing.department == "Bouw en Woningtoezicht"


def test_text_from_the_wild_is_a_problem_at_its_row_not_a_crash(lda, tmp_path):
    """Cells longer than what is kept, and control characters pasted from elsewhere, are
    problems of their row (nothing is saved), never a failure of the whole import; names in
    other scripts go through and get a readable user name."""
    path = tmp_path / "wild.csv"  # Excel files cannot hold control characters; CSV can
    with path.open("w", encoding="utf-8", newline="") as target:
        csv.writer(target).writerows(
            [
                ["Department", "Laws and regulations", "Name", "Mailbox", "Roles"],
                ["Licensing", "", "N" * 10_000, "long@oeteldonk.nl", "Request handler"],
                ["D" * 201, "", "Ann Smith", "ann@oeteldonk.nl", "Request handler"],
                ["Licensing", "", "Bell\x07 Ringer", "bell@oeteldonk.nl", "Request handler"],
                ["Άδειες", "", "Ζωή Παπαδοπούλου", "zoi@oeteldonk.nl", "Request handler"],
            ]
        )
    rows = selectors.rollout_check(authority=lda.authority, rows=_read(path))
    assert "The name is too long: at most 150 characters." in rows[0].problems
    assert "The department is too long: at most 200 characters." in rows[1].problems
    assert rows[2].problems == ["The name contains a control character. Remove it from the file."]
    assert rows[3].problems == []
    with pytest.raises(ApplicationError, match="Some rows have problems"):
        services.rollout_import(
            actor=lda, authority=lda.authority, rows=services.parsed_as_dicts(rows)
        )
    assert not RolloutRow.objects.exists()

    greek = write_xlsx(
        tmp_path / "greek.xlsx",
        [
            ["Department", "Name", "Mailbox", "Roles"],
            ["Άδειες", "Ζωή Παπαδοπούλου", "zoi@oeteldonk.nl", "Request handler"],
        ],
    )
    _import(lda, greek)
    services.rollout_apply(actor=lda, authority=lda.authority)
    zoi = User.objects.get(email="zoi@oeteldonk.nl")
    assert (zoi.username, zoi.department) == ("zoi.papadopoulou", "Άδειες")
