"""Demo data: the seed's Gemeente Oeteldonk with its rollout table (Bijlage 4), Dienst
Justis, the Dutch coordinators, and authorities with users in Germany, Belgium, France,
Poland and Greece, each user working in their own language. Idempotent: running it again
creates nothing that is already there (a demo user's language is put back to their own)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from openimi.accounts.models import Role, RoleGrant, User
from openimi.accounts.security_code import security_code_set
from openimi.authorities.models import AreaPreferences, Authority, AuthorityTranslation, Keyword
from openimi.exchange import services as exchange_services
from openimi.exchange.models import InformationRequest, QuestionSet

DEMO_PASSWORD = "openimi-demo-2026"
DEMO_SECURITY_CODE = "Oeteldonk#11"

SERVICES = "services"
QUALIFICATIONS = "professional_qualifications"
HANDLER, ALLOCATOR, SUPERVISOR, LDA = (
    Role.REQUEST_HANDLER,
    Role.ALLOCATOR,
    Role.SUPERVISOR,
    Role.LOCAL_DATA_ADMINISTRATOR,
)


@dataclass
class DemoUser:
    username: str
    first_name: str
    last_name: str
    email: str
    language: str
    roles: list[str]
    phone: str = ""
    department: str = ""  # the rollout table's "Afdeling"


@dataclass
class DemoAuthority:
    key: str
    country: str
    language: str
    kind: str
    official_name: str
    informal_title: str
    email: str
    city: str
    description: str = ""
    street: str = ""
    postal_code: str = ""
    phone: str = ""
    website: str = ""
    translations: dict[str, str] = field(default_factory=dict)
    keywords: list[str] = field(default_factory=list)
    areas: tuple[str, ...] = (SERVICES,)
    uses_allocation: bool = False
    may_reject: bool = False
    users: list[DemoUser] = field(default_factory=list)


CA = Authority.Kind.COMPETENT_AUTHORITY

AUTHORITIES = [
    DemoAuthority(
        key="nl-nimic",
        country="NL",
        language="nl",
        kind=Authority.Kind.NATIONAL_COORDINATOR,
        official_name="Ministerie van Economische Zaken – Nationale IMI-coördinator",
        informal_title="Nationale IMI-coördinator Nederland",
        email="imi-coordinator@minez.example.nl",
        city="Den Haag",
        street="Bezuidenhoutseweg 73",
        postal_code="2594 AC",
        phone="+31 70 379 8911",
        description="Nationale coördinator van het IMI in Nederland. Registreert bevoegde "
        "instanties en helpt bij problemen met andere lidstaten.",
        translations={"en": "National IMI coordinator of the Netherlands"},
        areas=(SERVICES, QUALIFICATIONS),
        may_reject=True,
        users=[
            DemoUser(
                "nimic.admin",
                "Saskia",
                "Verbeek",
                "s.verbeek@minez.example.nl",
                "nl",
                [LDA, HANDLER],
            ),
        ],
    ),
    DemoAuthority(
        key="nl-sdimic",
        country="NL",
        language="nl",
        kind=Authority.Kind.SERVICES_COORDINATOR,
        official_name="ICTU – Gedelegeerde IMI-coördinator Dienstenrichtlijn",
        informal_title="Gedelegeerde IMI-coördinator voor de Dienstenrichtlijn",
        email="dienstenrichtlijn@ictu.example.nl",
        city="Den Haag",
        phone="+31 70 888 7537",
        description="Helpdesk en coördinator voor de Dienstenrichtlijn. Neem contact op als "
        "een instantie in een andere lidstaat niet tijdig antwoordt.",
        translations={"en": "Delegated IMI coordinator for the Services Directive"},
        may_reject=True,
        users=[
            DemoUser(
                "sdimic.admin",
                "Joost",
                "Hendriks",
                "j.hendriks@ictu.example.nl",
                "nl",
                [LDA, HANDLER],
            ),
        ],
    ),
    DemoAuthority(
        key="oeteldonk",
        country="NL",
        language="nl",
        kind=CA,
        official_name="Gemeente Oeteldonk",
        informal_title="Gemeente Oeteldonk",
        email="imi@oeteldonk.example.nl",
        city="Oeteldonk",
        street="Markt 11",
        postal_code="5211 JV",
        phone="+31 73 615 5555",
        website="https://www.oeteldonk.example.nl",
        description="Gemeente in het zuiden van Nederland. Verleent vergunningen aan "
        "ondernemers, onder meer bouwvergunningen, en houdt toezicht.",
        translations={
            "en": "Municipality of Oeteldonk",
            "de": "Gemeinde Oeteldonk",
            "fr": "Commune d'Oeteldonk",
        },
        keywords=["building-permits", "issuing-permits", "environmental-permits", "accreditation"],
        uses_allocation=True,
        users=[
            # The seed's rollout table (Bijlage 4) ...
            DemoUser(
                "bram.pauwels",
                "Bram",
                "Pauwels",
                "b.pauwels@oeteldonk.example.nl",
                "nl",
                [HANDLER],
                department="Economische Zaken",
            ),
            DemoUser(
                "pieter.dekort",
                "Pieter",
                "de Kort",
                "p.dekort@oeteldonk.example.nl",
                "nl",
                [HANDLER],
                department="Bouw en Woningtoezicht",
            ),
            DemoUser(
                "energiemarkt",
                "Energiemarkt",
                "Oeteldonk",
                "energie@oeteldonk.example.nl",
                "nl",
                [HANDLER, ALLOCATOR],
                department="Energie",
            ),
            DemoUser(
                "publieksbalie",
                "Publieksbalie",
                "Oeteldonk",
                "publieksbalie@oeteldonk.example.nl",
                "nl",
                [ALLOCATOR],
                department="Publieksbalie",
            ),
            # ... and its two local data administrators, as the seed advises.
            DemoUser(
                "anne.jansen",
                "Anne",
                "Jansen",
                "a.jansen@oeteldonk.example.nl",
                "nl",
                [LDA, HANDLER],
            ),
            DemoUser(
                "kees.vandijk",
                "Kees",
                "van Dijk",
                "k.vandijk@oeteldonk.example.nl",
                "nl",
                [LDA, SUPERVISOR],
            ),
        ],
    ),
    DemoAuthority(
        key="justis",
        country="NL",
        language="nl",
        kind=CA,
        official_name="Dienst Justis",
        informal_title="Dienst Justis – screeningsautoriteit van het Ministerie van Justitie",
        email="imi@justis.example.nl",
        city="Den Haag",
        description="Beantwoordt vragen over strafrechtelijke sancties en verklaringen "
        "omtrent het gedrag.",
        translations={"en": "Justis – screening authority of the Ministry of Justice"},
        keywords=["recognised-body", "supervision-and-enforcement"],
        may_reject=True,
        users=[
            DemoUser(
                "justis.admin",
                "Fatima",
                "El Amrani",
                "f.elamrani@justis.example.nl",
                "nl",
                [LDA, HANDLER],
            ),
        ],
    ),
    DemoAuthority(
        key="koeln",
        country="DE",
        language="de",
        kind=CA,
        official_name="Stadt Köln – Amt für öffentliche Ordnung, Gewerbeangelegenheiten",
        informal_title="Gewerbeamt der Stadt Köln",
        email="gewerbe@stadt-koeln.example.de",
        city="Köln",
        description="Zuständig für Gewerbeanmeldungen und gewerberechtliche Erlaubnisse.",
        translations={"en": "Trade Office of the City of Cologne", "nl": "Gewerbeamt Keulen"},
        keywords=["issuing-permits", "notification-of-activities"],
        users=[
            DemoUser(
                "klaus.weber", "Klaus", "Weber", "k.weber@stadt-koeln.example.de", "de", [HANDLER]
            ),
            DemoUser(
                "koeln.admin",
                "Miriam",
                "Schulz",
                "m.schulz@stadt-koeln.example.de",
                "de",
                [LDA, HANDLER],
            ),
        ],
    ),
    DemoAuthority(
        key="antwerpen",
        country="BE",
        language="nl",
        kind=CA,
        official_name="Stad Antwerpen – Dienst Economie",
        informal_title="Stad Antwerpen, dienst Economie",
        email="economie@antwerpen.example.be",
        city="Antwerpen",
        translations={"en": "City of Antwerp, Economic Affairs", "fr": "Ville d'Anvers"},
        keywords=["issuing-permits"],
        users=[
            DemoUser(
                "lies.peeters",
                "Lies",
                "Peeters",
                "l.peeters@antwerpen.example.be",
                "nl",
                [LDA, HANDLER],
            ),
        ],
    ),
    DemoAuthority(
        key="paris-cma",
        country="FR",
        language="fr",
        kind=CA,
        official_name="Chambre de métiers et de l'artisanat de Paris",
        informal_title="Chambre de métiers et de l'artisanat de Paris",
        email="imi@cma-paris.example.fr",
        city="Paris",
        translations={"en": "Chamber of Trades and Crafts of Paris"},
        keywords=["professional-body"],
        areas=(SERVICES, QUALIFICATIONS),
        users=[
            DemoUser(
                "claire.martin",
                "Claire",
                "Martin",
                "c.martin@cma-paris.example.fr",
                "fr",
                [LDA, HANDLER],
            ),
        ],
    ),
    DemoAuthority(
        key="krakow",
        country="PL",
        language="pl",
        kind=CA,
        official_name="Urząd Miasta Krakowa – Wydział Spraw Administracyjnych",
        informal_title="Urząd Miasta Krakowa",
        email="imi@um.krakow.example.pl",
        city="Kraków",
        translations={"en": "Kraków City Hall, Administrative Affairs"},
        keywords=["issuing-permits"],
        users=[
            DemoUser(
                "anna.nowak", "Anna", "Nowak", "a.nowak@um.krakow.example.pl", "pl", [LDA, HANDLER]
            ),
        ],
    ),
    DemoAuthority(
        key="athina",
        country="GR",
        language="el",
        kind=CA,
        official_name=(
            "Δήμος Αθηναίων – Διεύθυνση Αδειοδοτήσεων και Ρύθμισης Εμπορικών Δραστηριοτήτων"
        ),
        informal_title="Δήμος Αθηναίων, Διεύθυνση Αδειοδοτήσεων",
        email="imi@cityofathens.example.gr",
        city="Αθήνα",
        street="Λιοσίων 22",
        postal_code="104 38",
        phone="+30 210 527 7000",
        description=(
            "Αρμόδια για την αδειοδότηση καταστημάτων και την εποπτεία των εμπορικών "
            "δραστηριοτήτων στον Δήμο Αθηναίων."
        ),
        translations={"en": "City of Athens, Licensing Directorate", "nl": "Gemeente Athene"},
        keywords=["issuing-permits", "notification-of-activities"],
        users=[
            DemoUser(
                "eleni.papadopoulou",
                "Ελένη",
                "Παπαδοπούλου",
                "e.papadopoulou@cityofathens.example.gr",
                "el",
                [HANDLER],
            ),
            DemoUser(
                "nikos.georgiou",
                "Νίκος",
                "Γεωργίου",
                "n.georgiou@cityofathens.example.gr",
                "el",
                [LDA, HANDLER],
            ),
        ],
    ),
]

# Every country gets a national coordinator that supervises its authorities in each area.
NATIONAL_COORDINATORS = {
    "DE": ("Bundesministerium für Wirtschaft – Nationaler IMI-Koordinator", "de"),
    "BE": ("FOD Economie – Nationale IMI-coördinator", "nl"),
    "FR": ("Secrétariat général des affaires européennes – Coordinateur IMI national", "fr"),
    "PL": ("Ministerstwo Rozwoju – Krajowy koordynator IMI", "pl"),
    "GR": ("Υπουργείο Εσωτερικών – Εθνικός συντονιστής IMI", "el"),
}


def _users(authority: Authority, users: list[DemoUser], phone_prefix: str) -> list[User]:
    created = []
    for spec in users:
        user, was_created = User.objects.get_or_create(
            username=spec.username,
            defaults={
                "first_name": spec.first_name,
                "last_name": spec.last_name,
                "email": spec.email,
                "language": spec.language,
                "phone": spec.phone or f"{phone_prefix} ",
                "department": spec.department,
                "authority": authority,
                "status": User.Status.ACTIVE,
                "must_change_password": False,
            },
        )
        if user.language != spec.language:  # each demo user works in their own language
            user.language = spec.language
            user.save(update_fields=["language"])
        if was_created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            security_code_set(user=user, code=DEMO_SECURITY_CODE)
            created.append(user)
        for role in spec.roles:
            areas = [None] if role == LDA else [p.area for p in authority.preferences.all()]
            for area in areas:
                RoleGrant.objects.get_or_create(user=user, role=role, area=area)
    return created


def _authority(spec: DemoAuthority, coordinators: dict[str, Authority]) -> Authority:
    authority, _ = Authority.objects.get_or_create(
        official_name=spec.official_name,
        country_id=spec.country,
        defaults={
            "kind": spec.kind,
            "language_id": spec.language,
            "informal_title": spec.informal_title,
            "description": spec.description,
            "email": spec.email,
            "city": spec.city,
            "street": spec.street,
            "postal_code": spec.postal_code,
            "phone": spec.phone,
            "website": spec.website,
        },
    )
    for language, title in spec.translations.items():
        AuthorityTranslation.objects.get_or_create(
            authority=authority, language_id=language, defaults={"informal_title": title}
        )
    for area_code in spec.areas:
        preferences, created = AreaPreferences.objects.get_or_create(
            authority=authority,
            area=_area(area_code),
            defaults={
                "uses_allocation": spec.uses_allocation,
                "may_reject": spec.may_reject,
                "supervising_coordinator": coordinators.get(area_code),
            },
        )
        if created:
            preferences.keywords.set(
                Keyword.objects.filter(area=preferences.area, code__in=spec.keywords)
            )
    return authority


def _area(code: str):
    from openimi.authorities.models import LegislativeArea

    return LegislativeArea.objects.get(code=code)


@transaction.atomic
def load_demo() -> list[tuple[User, Authority]]:
    """Create the demo authorities and users; return the users created now."""
    created: list[tuple[User, Authority]] = []
    by_key: dict[str, Authority] = {}
    for spec in AUTHORITIES:
        if spec.country == "NL":
            nimic = by_key.get("nl-nimic")
            coordinators = {
                SERVICES: by_key.get("nl-sdimic") or nimic,
                QUALIFICATIONS: nimic,
            }
        else:
            national = _national_coordinator(spec.country)
            coordinators = {SERVICES: national, QUALIFICATIONS: national}
        authority = _authority(spec, coordinators)
        by_key[spec.key] = authority
        users = _users(authority, spec.users, authority.country.phone_prefix)
        created += [(user, authority) for user in users]
    # The services coordinator is itself supervised by the national coordinator.
    AreaPreferences.objects.filter(
        authority=by_key["nl-sdimic"], supervising_coordinator=None
    ).update(supervising_coordinator=by_key["nl-nimic"])
    _demo_requests(by_key)
    return created


def _demo_requests(by_key: dict[str, Authority]) -> None:
    """The seed's story, ready to play: Köln asks Oeteldonk about a building contractor's
    permit and criminal record (waiting for Publieksbalie to allocate it), and Oeteldonk has
    sent a FICTITIOUS practice request to Antwerpen. Created once, through the services."""
    koeln, oeteldonk = by_key["koeln"], by_key["oeteldonk"]
    if InformationRequest.objects.filter(requesting_authority=koeln).exists():
        return
    services_area = _area(SERVICES)
    _send(
        actor=User.objects.get(username="klaus.weber"),
        to=oeteldonk,
        question_set=QuestionSet.objects.get(code="services-general"),
        question_codes=["SG-08", "SG-09", "SG-18"],
        justification=(
            "Bauunternehmen Schmidt GmbH, established in Oeteldonk, has applied for a trade "
            "licence in Cologne. We need to know whether it holds a building permit in "
            "Oeteldonk and whether criminal sanctions were imposed on it."
        ),
        provider={
            "provider_name": "Bauunternehmen Schmidt GmbH",
            "legal_form": "GmbH",
            "city": "Oeteldonk",
            "email": "info@schmidt-bau.example.de",
        },
        area=services_area,
    )
    _send(
        actor=User.objects.get(username="bram.pauwels"),
        to=by_key["antwerpen"],
        question_set=QuestionSet.objects.get(code="practice-fictitious"),
        question_codes=["PR-01", "PR-03"],
        justification="Oefenverzoek over een fictieve dienstverrichter.",
        provider={"provider_name": "Fictief Installatiebedrijf B.V.", "city": "Antwerpen"},
        area=services_area,
    )


def _send(*, actor, to, question_set, question_codes, justification, provider, area) -> None:
    info_request = exchange_services.request_create_draft(
        actor=actor, area=area, question_set=question_set, responding_authority=to
    )
    exchange_services.request_update_draft(
        info_request=info_request,
        actor=actor,
        questions=list(question_set.questions.filter(code__in=question_codes)),
        reply_by=timezone.localdate() + timedelta(days=21),
        justification=justification,
        justification_language="en" if actor.language != "nl" else "nl",
    )
    exchange_services.request_set_personal_data(
        info_request=info_request, actor=actor, data=provider
    )
    exchange_services.request_send(info_request=info_request, actor=actor)


def _national_coordinator(country: str) -> Authority:
    name, language = NATIONAL_COORDINATORS[country]
    spec = DemoAuthority(
        key=f"{country.lower()}-nimic",
        country=country,
        language=language,
        kind=Authority.Kind.NATIONAL_COORDINATOR,
        official_name=name,
        informal_title=name,
        email=f"imi-coordinator@{country.lower()}.example.eu",
        city="",
        areas=(SERVICES, QUALIFICATIONS),
        may_reject=True,
    )
    return _authority(spec, {})


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, authority, roles) of every demo user, for the run command to print."""
    rows = []
    for spec in AUTHORITIES:
        for user in spec.users:
            roles = ", ".join(str(Role(role).label) for role in user.roles)
            rows.append((user.username, spec.informal_title, roles))
    return rows
