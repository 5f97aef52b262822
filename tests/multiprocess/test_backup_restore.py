"""Backup and restore (issue 20, item 7): scripts/backup.sh, then scripts/restore.sh into an
empty database and an empty MEDIA_ROOT, then a real gunicorn on the restored database, and the
demo user logs in (password and security code) and finds what was there.

The backup holds a request whose retention period ran out after the backup was taken (here:
withdrawn seven months ago and not yet cleaned): restore.sh runs the retention job before the
site opens, so its personal data is gone again in the restored site, while the open draft and
its document are back byte for byte.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import psycopg
import pytest
import requests
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from openimi.accounts.models import User
from openimi.authorities.models import Authority, LegislativeArea
from openimi.demo.data import DEMO_PASSWORD, DEMO_SECURITY_CODE, load_demo
from openimi.exchange import services as exchange_services
from openimi.exchange.models import InformationRequest, QuestionSet
from openimi.retention.models import RetentionState
from tests.multiprocess.processes import (
    REPO,
    Processes,
    database_url,
    environment,
    free_port,
    login,
)

pytestmark = [
    pytest.mark.multiprocess,
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: backups are pg_dump files (set DATABASE_URL=postgres://…)",
    ),
    pytest.mark.django_db(transaction=True),
]

DOCUMENT = b"Uittreksel handelsregister, Installatiebedrijf De Backup B.V.\n"
DRAFT_PROVIDER = "Installatiebedrijf De Backup B.V."
EXPIRED_PROVIDER = "Fictief Installatiebedrijf B.V."  # the demo's practice request


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(  # noqa: S603 - our own scripts
        argv, cwd=REPO, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{argv[0]} failed:\n{done.stdout}\n{done.stderr}"
    return done


def _admin(sql: str) -> None:
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(sql)


@pytest.fixture
def restored_database():
    """An empty database beside the test database, dropped at the end."""
    name = connection.settings_dict["NAME"].removeprefix("test_") + "_restored"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    yield name
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _data_before_the_backup(media_root: Path) -> tuple[InformationRequest, InformationRequest]:
    """The demo, a draft with a document, and the demo's practice request withdrawn seven
    months ago (due for deletion since; the live site's job has not run yet)."""
    call_command("load_reference", verbosity=0)
    load_demo()
    bram = User.objects.get(username="bram.pauwels")
    practice = InformationRequest.objects.get(requesting_authority=bram.authority)
    draft = exchange_services.request_create_draft(
        actor=bram,
        area=LegislativeArea.objects.get(code="services"),
        question_set=QuestionSet.objects.get(code="practice-fictitious"),
        responding_authority=Authority.objects.get(official_name__startswith="Stad Antwerpen"),
    )
    exchange_services.request_set_personal_data(
        info_request=draft, actor=bram, data={"provider_name": DRAFT_PROVIDER, "city": "Gent"}
    )
    attachment = exchange_services.request_add_attachment(
        info_request=draft,
        actor=bram,
        file=SimpleUploadedFile("uittreksel.txt", DOCUMENT, content_type="text/plain"),
    )
    assert (media_root / attachment.file.name).read_bytes() == DOCUMENT
    practice = exchange_services.request_withdraw(info_request=practice, actor=bram)
    InformationRequest.objects.filter(pk=practice.pk).update(
        closed_at=timezone.now() - dt.timedelta(days=7 * 31)
    )
    return draft, practice


def test_a_restored_backup_logs_in_and_has_deleted_what_expired(tmp_path, restored_database):
    live = tmp_path / "live"
    env = environment(live)
    media_root = live / "media"
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media_root)},
        }
    }
    with override_settings(STORAGES={**settings.STORAGES, **storages}):
        draft, practice = _data_before_the_backup(media_root)
    attachment_name = draft.attachments.get().file.name

    backups = tmp_path / "backups"
    done = _run(["scripts/backup.sh", str(backups)], env)
    (backup,) = backups.iterdir()
    assert f"Backup written to {backup}" in done.stdout
    assert sorted(p.name for p in backup.iterdir()) == ["BACKUP_INFO", "database.dump", "media.tar"]
    # No key in the backup: neither the security-code key nor the secret key.
    everything = b"".join(p.read_bytes() for p in backup.iterdir())
    assert env["SECRET_KEY"].encode() not in everything
    assert env["SECURITY_CODE_KEYS"].split(":", 1)[1].encode() not in everything

    # Another machine: an empty database, an empty media folder, the same keys.
    restored = tmp_path / "restored"
    restored_env = environment(restored, DATABASE_URL=database_url(restored_database))
    done = _run(["scripts/restore.sh", str(backup)], restored_env)
    assert "Blocked: 0. Deleted: 1." in done.stdout  # the practice request, gone again
    assert (restored / "media" / attachment_name).read_bytes() == DOCUMENT

    # restore.sh refuses a database that is no longer empty.
    again = subprocess.run(  # noqa: S603
        ["scripts/restore.sh", str(backup)], cwd=REPO, env=restored_env, capture_output=True
    )
    assert again.returncode == 1
    assert b"is not empty" in again.stderr

    processes = Processes(tmp_path)
    try:
        base = f"http://127.0.0.1:{free_port()}"
        processes.gunicorn("web-restored", restored_env, int(base.rsplit(":", 1)[1]), workers=1)
        processes.wait_serving(base)
        browser = requests.Session()
        done_login = login(browser, base, "bram.pauwels", DEMO_PASSWORD, DEMO_SECURITY_CODE)
        assert done_login.status_code == 302, done_login.text[-2000:]
        assert done_login.headers["Location"] == "/"

        page = browser.get(f"{base}/requests/{draft.pk}/", timeout=30)
        assert page.status_code == 200
        assert DRAFT_PROVIDER in page.text
        assert "uittreksel.txt" in page.text

        expired = browser.get(f"{base}/requests/{practice.pk}/", timeout=30)
        assert expired.status_code == 200
        assert practice.reference in expired.text
        assert EXPIRED_PROVIDER not in expired.text
        assert 'id="personal-data"' in expired.text  # "Personal data removed on …"
    finally:
        processes.stop_all()

    # The live database still holds it (its job has not run): only the restore re-ran it.
    assert not RetentionState.objects.filter(info_request_id=practice.pk).exists()
    assert InformationRequest.objects.get(pk=practice.pk).personal_data.provider_name == (
        EXPIRED_PROVIDER
    )
