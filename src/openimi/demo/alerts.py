"""The demo's alerts (issue 22), built through ``alerts.services`` as the pages do: the network
administrator registers the alert coordinators of every demo country for both alert areas,
then three alerts show the workflow's stages.

- A health professional alert of the Dutch BIG-register (``ingrid.bos``) about a nurse struck
  off: validated by the Dutch national coordinator (``nimic.admin``), so sent to every other
  demo country; the German national coordinator (``de.coordinator``) acknowledged it and
  passed it to the Bezirksregierung Köln, where ``sabine.krueger`` has read it.
- A services alert of Oeteldonk (``bram.pauwels``) to Belgium and Germany, awaiting
  validation by the delegated coordinator for the Services Directive (``sdimic.admin``).
- A draft services alert of Köln (``klaus.weber``), not complete yet.

Every person and firm in them is FICTITIOUS. Idempotent: an alert coordinator already
registered is kept (an operator may have changed it), an alert already there is not made
again (it is found by its sender and activity, which retention leaves in place).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from openimi.accounts.models import User
from openimi.alerts import services
from openimi.alerts.models import Alert
from openimi.alerts.types import AlertType
from openimi.authorities.models import Authority, LegislativeArea

# (country, area code) -> demo key of the alert coordinator; every other pair of a demo
# country is its national coordinator. The Netherlands has a delegated coordinator for the
# Services Directive: it coordinates that area's alerts too.
DELEGATED = {("NL", "services"): "nl-sdimic"}
ALERT_AREAS = ("services", "professional_qualifications")

NURSE = "Verpleegkundige (BIG-geregistreerd)"
GAS_FITTER = "Installatie van gasketels"
SCAFFOLDING = "Gerüstbau"


def load(by_key: dict[str, Authority], network_administrator: User) -> None:
    _alert_coordinators(by_key, network_administrator)
    _sent_alert(by_key)
    _awaiting_validation()
    _draft()


def _alert_coordinators(by_key: dict[str, Authority], network_administrator: User) -> None:
    countries = sorted({authority.country_id for authority in by_key.values()})
    national = {
        authority.country_id: authority
        for authority in Authority.objects.filter(
            country_id__in=countries, kind=Authority.Kind.NATIONAL_COORDINATOR
        )
    }
    for area in LegislativeArea.objects.filter(code__in=ALERT_AREAS):
        for country in countries:
            if services.alert_coordinator_of(country, area.pk) is not None:
                continue
            key = DELEGATED.get((country, area.code))
            services.alert_coordinator_set(
                actor=network_administrator,
                area=area,
                authority=by_key[key] if key else national[country],
            )


def _exists(username: str, activity: str) -> bool:
    author = User.objects.get(username=username)
    return Alert.objects.filter(sending_authority=author.authority, activity=activity).exists()


def _sent_alert(by_key: dict[str, Authority]) -> None:
    if _exists("ingrid.bos", NURSE):
        return
    sender = User.objects.get(username="ingrid.bos")
    yesterday = timezone.localdate() - timedelta(days=1)
    alert = services.alert_create_draft(
        actor=sender,
        alert_type=AlertType.PQ_HEALTH,
        fields={
            "activity": NURSE,
            "deciding_authority": "Regionaal Tuchtcollege voor de Gezondheidszorg Zwolle",
            "decision_date": yesterday,
            "restriction_scope": "Doorhaling van de inschrijving in het BIG-register: mag het "
            "beroep van verpleegkundige niet meer uitoefenen.",
            "restriction_start": yesterday,
            "description": "FICTIEF DEMO-ALERT. Het tuchtcollege heeft de inschrijving "
            "doorgehaald na herhaalde fouten bij het toedienen van medicatie.",
        },
        personal={
            "full_name": "Johanna Maria de Vries (FICTIEF)",
            "date_of_birth": "1980-04-12",
            "place_of_birth": "Utrecht",
            "nationality": "Nederlandse",
            "identifier": "BIG 19012345601",
        },
        language="nl",
    )
    services.alert_submit(alert=alert, actor=sender)
    # Each service returns the alert as it left it; the policy reads its status from there.
    alert = services.alert_validate(alert=alert, actor=User.objects.get(username="nimic.admin"))
    german = User.objects.get(username="de.coordinator")
    recipient = alert.recipients.get(country_id="DE")
    services.alert_acknowledge(recipient=recipient, actor=german)
    services.alert_distribute(
        recipient=recipient, actor=german, authorities=[by_key["bezreg-koeln"]]
    )
    services.alert_mark_read(alert=alert, actor=User.objects.get(username="sabine.krueger"))


def _awaiting_validation() -> None:
    if _exists("bram.pauwels", GAS_FITTER):
        return
    sender = User.objects.get(username="bram.pauwels")
    alert = services.alert_create_draft(
        actor=sender,
        alert_type=AlertType.SERVICES,
        fields={
            "activity": GAS_FITTER,
            "description": "FICTIEF DEMO-ALERT. Het bedrijf installeert gasketels zonder "
            "rookgasafvoer; in Oeteldonk zijn twee koolmonoxidevergiftigingen gemeld. Het "
            "bedrijf werkt ook in België en Duitsland.",
            "measures": "Stillegging van de werkzaamheden in Oeteldonk per direct.",
        },
        personal={
            "full_name": "Gasbedrijf Vonk B.V. (FICTIEF)",
            "identifier": "KvK 99887766",
            "address": "Industrieweg 4, Oeteldonk",
        },
        countries=["BE", "DE"],
        language="nl",
    )
    services.alert_submit(alert=alert, actor=sender)


def _draft() -> None:
    if _exists("klaus.weber", SCAFFOLDING):
        return
    services.alert_create_draft(
        actor=User.objects.get(username="klaus.weber"),
        alert_type=AlertType.SERVICES,
        fields={
            "activity": SCAFFOLDING,
            "description": "FIKTIVER DEMO-ALARM. Gerüste ohne Verankerung an Schulgebäuden.",
        },
        personal={"full_name": "Gerüstbau Adler GmbH (FIKTIV)"},
        language="de",
    )
