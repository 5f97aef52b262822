"""Text from the wild in the alert report: control characters, 10,000 characters, Greek,
Polish and Bulgarian script. The report never fails on what is stored, keeps every
character a reader sees, and (where LibreOffice is installed) prints in its one font."""

# The alerts' world replaces, in this module, the exchange's that tests/reports/conftest.py
# gives; the fixtures' names come back as test parameters.
# ruff: noqa: F811

import shutil

import pytest

from openimi.alerts import services
from openimi.alerts.models import Alert, AlertPersonalData
from openimi.common.i18n import language_name
from openimi.reports import pdf
from openimi.reports.alert_report import alert_report
from openimi.reports.docx_layout import FONT
from tests.alerts.conftest import (  # noqa: F401 - fixtures
    distributed_alert,
    pq_alert,
    pq_area,
    sent_alert,
    world,
)
from tests.reports.conftest import docx_text

pytestmark = pytest.mark.django_db

GREEK = "Απαγόρευση άσκησης του νοσηλευτικού επαγγέλματος στην Αθήνα."
POLISH = "Zakaz wykonywania zawodu pielęgniarki: Łódź, Żółć, Ściółka."
BULGARIAN = "Забрана за упражняване на професията медицинска сестра в София."


def _report(alert, user, language="en"):
    return alert_report(alert=Alert.objects.get(pk=alert.pk), actor=user, language=language)


def test_control_characters_and_long_texts_do_not_break_the_report(world, distributed_alert):
    """An import or a paste from a PDF stored what XML cannot hold (PostgreSQL itself refuses
    only NUL): the report drops those characters (a form feed or vertical tab breaks the
    line) and keeps the 10,000 characters around them."""
    long_text = ("Wiederholte Fahrlässigkeit. " * 400)[:10_000]
    assert len(long_text) == 10_000
    Alert.objects.filter(pk=distributed_alert.pk).update(
        description="Before\x02the\x07bell\x0cafter\x1b[0m." + long_text,
        restriction_scope="Scope\x0e with a non-character\ufffe.",
        activity="Nurse\x08\x01",
    )
    AlertPersonalData.objects.filter(alert=distributed_alert).update(
        full_name="Jo\x03hanna \x1fde Vries", place_of_birth="Line one\x0bline two"
    )
    text = docx_text(_report(distributed_alert, world.de_reader))
    assert "Beforethebell\nafter[0m." in text
    assert long_text in text
    assert "Scope with a non-character." in text
    assert "Johanna de Vries" in text and "Nurse\n" in text
    assert "Line one\nline two" in text
    for forbidden in ("\x02", "\x03", "\x07", "\x1b", "\x1f", "\x08", "\ufffe"):
        assert forbidden not in text


def test_greek_polish_and_bulgarian_come_through_whole(world, pq_alert):
    services.alert_save_draft(
        alert=pq_alert,
        actor=world.sender_handler,
        fields={"description": f"{GREEK}\n{BULGARIAN}", "restriction_scope": POLISH},
        personal={"full_name": "Παπαδοπούλου Μαρία-Żaneta Иванова", "place_of_birth": "Łódź"},
        language="el",
    )
    services.alert_submit(alert=pq_alert, actor=world.sender_handler)
    alert = services.alert_validate(alert=pq_alert, actor=world.nl_alco_user)
    for user, language in ((world.pl_alco_user, "pl"), (world.fr_alco_user, "el")):
        text = docx_text(_report(alert, user, language))
        for phrase in (GREEK, POLISH, BULGARIAN, "Παπαδοπούλου Μαρία-Żaneta Иванова", "Łódź"):
            assert phrase in text, (language, phrase)
    # the language of the texts named in the reader's language, never as a code
    polish = docx_text(_report(alert, world.pl_alco_user, "pl"))
    assert language_name("el", "pl") == "grecki" and "grecki" in polish
    assert "(el)" not in polish


@pytest.mark.skipif(
    not (pdf.available() and shutil.which("pdffonts") and shutil.which("pdftotext")),
    reason="apt-get install libreoffice-writer-nogui poppler-utils",
)
def test_the_pdf_of_an_alert_in_three_scripts_uses_the_one_font(world, pq_alert, tmp_path):
    import subprocess

    services.alert_save_draft(
        alert=pq_alert,
        actor=world.sender_handler,
        fields={"description": f"{GREEK}\n{POLISH}\n{BULGARIAN}"},
        language="el",
    )
    made = pdf.docx_to_pdf(_report(pq_alert, world.sender_handler, "bg"))
    source = tmp_path / "alert.pdf"
    source.write_bytes(made)
    fonts = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["pdffonts", str(source)],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.splitlines()[2:]
    names = {line.split()[0].split("+")[-1].split("-")[0] for line in fonts}
    assert names == {FONT.replace(" ", "")}
    printed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["pdftotext", "-layout", str(source), "-"],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    for word in ("Αθήνα", "Łódź", "София"):
        assert word in printed
