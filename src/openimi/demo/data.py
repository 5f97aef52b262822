"""Demo data: the seed's Gemeente Oeteldonk with its rollout table (Bijlage 4), Dienst
Justis, the Dutch coordinators, and authorities with users in Germany, Belgium, France,
Poland and Greece, each user working in their own language. Idempotent: running it again
creates nothing that is already there (a demo user's language is put back to their own)."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from openimi.accounts import operators
from openimi.accounts.models import Role, User
from openimi.accounts.security_code import security_code_set
from openimi.accounts.users import password_mail
from openimi.accounts.users import services as user_services
from openimi.authorities import services as authority_services
from openimi.authorities.models import Authority, Country, Keyword, Language
from openimi.demo import alerts as demo_alerts
from openimi.exchange import services as exchange_services
from openimi.exchange.models import InformationRequest, QuestionSet
from openimi.network.services import registration

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
        key="cibg",
        country="NL",
        language="nl",
        kind=CA,
        official_name="CIBG – BIG-register",
        informal_title="BIG-register van het CIBG (Ministerie van VWS)",
        email="imi@big-register.example.nl",
        city="Den Haag",
        description="Registreert zorgverleners in het BIG-register en meldt andere lidstaten "
        "wanneer een zorgverlener zijn beroep niet meer mag uitoefenen.",
        translations={"en": "CIBG – Register of health professionals (BIG-register)"},
        keywords=["professional-register", "disciplinary-measures"],
        areas=(QUALIFICATIONS,),
        users=[
            # Writes the demo's alert about a nurse struck off the register (issue 22).
            DemoUser(
                "ingrid.bos",
                "Ingrid",
                "Bos",
                "i.bos@big-register.example.nl",
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
        key="bezreg-koeln",
        country="DE",
        language="de",
        kind=CA,
        official_name="Bezirksregierung Köln – Dezernat 24, Gesundheitsberufe",
        informal_title="Bezirksregierung Köln, Gesundheitsberufe",
        email="gesundheitsberufe@bezreg-koeln.example.de",
        city="Köln",
        description="Erteilt Approbationen und Berufserlaubnisse für Gesundheitsberufe und "
        "entzieht sie.",
        translations={"en": "Cologne District Government, Health Professions"},
        keywords=["regulated-professions", "disciplinary-measures"],
        areas=(QUALIFICATIONS,),
        users=[
            # Reads the Dutch alert the German alert coordinator passed on (issue 22).
            DemoUser(
                "sabine.krueger",
                "Sabine",
                "Krüger",
                "s.krueger@bezreg-koeln.example.de",
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

# The first local data administrator of each national coordinator abroad (first, last name).
NATIONAL_COORDINATOR_ADMINISTRATORS = {
    "DE": ("Jürgen", "Hoffmann"),
    "BE": ("Els", "Peeters"),
    "FR": ("Camille", "Durand"),
    "PL": ("Agnieszka", "Kowalczyk"),
    "GR": ("Ελένη", "Παπαδοπούλου"),
}


NETWORK_ADMINISTRATOR = DemoUser(
    "network.admin", "Nora", "Lindqvist", "helpdesk@openimi.example.eu", "en", []
)


def _demo_credentials(user: User) -> None:
    """The demo's known password and security code, the account active: what a new user does
    at the first login (change the temporary password, choose the code), done here so that
    every demo login works at once. The temporary-password e-mail is cancelled: it would
    name a password that no longer works."""
    password_mail.temporary_passwords_cancel(user=user)
    user.set_password(DEMO_PASSWORD)
    user.status = User.Status.ACTIVE
    user.must_change_password = False
    user.temporary_password_expires_at = None
    user.save(
        update_fields=[
            "password",
            "status",
            "must_change_password",
            "temporary_password_expires_at",
        ]
    )
    security_code_set(user=user, code=DEMO_SECURITY_CODE)


def _network_administrator() -> User:
    """The installation's operator, made as ``openimi network_admin create`` makes one."""
    spec = NETWORK_ADMINISTRATOR
    existing = User.objects.filter(username=spec.username).first()
    if existing is not None:
        return existing
    created = operators.network_administrator_create(
        username=spec.username,
        email=spec.email,
        first_name=spec.first_name,
        last_name=spec.last_name,
        language=spec.language,
    )
    _demo_credentials(created.user)
    return created.user


def _roles(authority: Authority, roles: list[str]) -> list[tuple[str, object]]:
    areas = [preferences.area for preferences in authority.preferences.all()]
    return [(role, area) for role in roles for area in ([None] if role == LDA else areas)]


def _users(authority: Authority, users: list[DemoUser], phone_prefix: str) -> list[User]:
    """The authority's other users, made by its (first) local data administrator as on the
    Manage users page; the first administrator came with the registration."""
    administrator = User.objects.filter(
        authority=authority, username__in=[spec.username for spec in users if LDA in spec.roles]
    ).first()
    created = []
    for spec in users:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            user = user_services.user_create(
                actor=administrator,
                authority=authority,
                first_name=spec.first_name,
                last_name=spec.last_name,
                language=spec.language,
                email=spec.email,
                phone=spec.phone or f"{phone_prefix} ",
                department=spec.department,
                username=spec.username,
                roles=_roles(authority, spec.roles),
            )
            _demo_credentials(user)
            created.append(user)
        elif user.language != spec.language:  # each demo user works in their own language
            user.language = spec.language
            user.save(update_fields=["language"])
    return created


def _authority(
    spec: DemoAuthority, coordinators: dict[str, Authority], registrar: User
) -> tuple[Authority, list[User]]:
    """Register the authority as a coordinator does (``network.services.registration``), its
    first local data administrator the first of its users who is one; then that
    administrator keeps the authority's data as on Manage authority data."""
    authority = Authority.objects.filter(
        official_name=spec.official_name, country_id=spec.country
    ).first()
    created: list[User] = []
    if authority is None:
        first = next(user for user in spec.users if LDA in user.roles)
        authority = registration.authority_register(
            actor=registrar,
            country=Country.objects.get(code=spec.country),
            kind=spec.kind,
            official_name=spec.official_name,
            informal_title=spec.informal_title,
            language=spec.language,
            street=spec.street,
            postal_code=spec.postal_code,
            city=spec.city,
            email=spec.email,
            phone=spec.phone,
            website=spec.website,
            areas=[(_area(code), coordinators.get(code)) for code in spec.areas],
            administrator={
                "first_name": first.first_name,
                "last_name": first.last_name,
                "email": first.email,
                "language": first.language,
                "username": first.username,
                "phone": first.phone,
            },
        )
        administrator = User.objects.get(username=first.username)
        _demo_credentials(administrator)
        # The first administrator gives themselves the other roles they work in.
        user_services.user_roles_set(
            actor=administrator, user=administrator, roles=_roles(authority, first.roles)
        )
        created.append(administrator)
        _authority_data(authority, spec, administrator)
    return authority, created


def _authority_data(authority: Authority, spec: DemoAuthority, administrator: User) -> None:
    if spec.description:
        authority_services.authority_update_contact(
            authority=authority, actor=administrator, description=spec.description
        )
    for code, title in spec.translations.items():
        authority_services.authority_translation_save(
            authority=authority,
            actor=administrator,
            language=Language.objects.get(code=code),
            informal_title=title,
            description="",
        )
    for preferences in authority.preferences.select_related("area"):
        authority_services.area_preferences_update(
            preferences=preferences,
            actor=administrator,
            keywords=list(Keyword.objects.filter(area=preferences.area, code__in=spec.keywords)),
            uses_allocation=spec.uses_allocation,
            coordinator_may_view_details=False,
        )


def _coordinator_settings(by_key: dict[str, Authority]) -> None:
    """What only the supervising coordinator sets (seed 6.4): who may reject. A national
    coordinator has no coordinator above it, and rejects what is forwarded to it anyway."""
    for spec in AUTHORITIES:
        if not spec.may_reject:
            continue
        for preferences in by_key[spec.key].preferences.select_related("supervising_coordinator"):
            coordinator = preferences.supervising_coordinator
            if coordinator is None or preferences.may_reject:
                continue
            coordinator_administrator = User.objects.filter(
                authority=coordinator, username__in=_administrators(coordinator)
            ).first()
            authority_services.area_preferences_update_by_coordinator(
                preferences=preferences,
                actor=coordinator_administrator,
                needs_coordinator_approval=preferences.needs_coordinator_approval,
                may_reject=True,
                may_accept=preferences.may_accept,
            )


def _administrators(authority: Authority) -> list[str]:
    """The demo usernames of ``authority``'s local data administrators."""
    for spec in [*AUTHORITIES, *(_national_coordinator_spec(c) for c in NATIONAL_COORDINATORS)]:
        if spec.official_name == authority.official_name:
            return [user.username for user in spec.users if LDA in user.roles]
    return []


def _area(code: str):
    from openimi.authorities.models import LegislativeArea

    return LegislativeArea.objects.get(code=code)


@transaction.atomic
def load_demo() -> list[tuple[User, Authority]]:
    """Create the demo network through the product's own services: the network administrator
    registers the national coordinators, each national coordinator the authorities of its
    country, each authority's first local data administrator its other users. Returns the
    users created now."""
    created: list[tuple[User, Authority]] = []
    by_key: dict[str, Authority] = {}
    network_administrator = _network_administrator()
    for spec in AUTHORITIES:
        if spec.country == "NL":
            nimic = by_key.get("nl-nimic")
            coordinators = {
                SERVICES: by_key.get("nl-sdimic") or nimic,
                QUALIFICATIONS: nimic,
            }
            national = nimic
        else:
            national, made = _national_coordinator(spec.country, network_administrator)
            created += [(user, national) for user in made]
            coordinators = {SERVICES: national, QUALIFICATIONS: national}
        registrar = (
            network_administrator
            if spec.kind == Authority.Kind.NATIONAL_COORDINATOR
            else User.objects.filter(
                authority=national, username__in=_administrators(national)
            ).first()
        )
        authority, made = _authority(spec, coordinators, registrar)
        by_key[spec.key] = authority
        made += _users(authority, spec.users, authority.country.phone_prefix)
        created += [(user, authority) for user in made]
    _coordinator_settings(by_key)
    _demo_requests(by_key)
    demo_alerts.load(by_key, network_administrator)
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


def _national_coordinator_spec(country: str) -> DemoAuthority:
    name, language = NATIONAL_COORDINATORS[country]
    code = country.lower()
    return DemoAuthority(
        key=f"{code}-nimic",
        country=country,
        language=language,
        kind=Authority.Kind.NATIONAL_COORDINATOR,
        official_name=name,
        informal_title=name,
        email=f"imi-coordinator@{code}.example.eu",
        city="",
        areas=(SERVICES, QUALIFICATIONS),
        users=[
            DemoUser(
                f"{code}.coordinator",
                *NATIONAL_COORDINATOR_ADMINISTRATORS[country],
                f"administrator@imi-coordinator.{code}.example.eu",
                language,
                [LDA, SUPERVISOR],
            )
        ],
    )


def _national_coordinator(country: str, network_administrator: User) -> tuple[Authority, list]:
    spec = _national_coordinator_spec(country)
    authority, made = _authority(spec, {}, network_administrator)
    made += _users(authority, spec.users, authority.country.phone_prefix)
    return authority, made


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, authority, roles) of every demo user, for the run command to print."""
    rows = [(NETWORK_ADMINISTRATOR.username, "openimi", str(Role.NETWORK_ADMINISTRATOR.label))]
    national = [_national_coordinator_spec(country) for country in NATIONAL_COORDINATORS]
    for spec in [*AUTHORITIES, *national]:
        for user in spec.users:
            roles = ", ".join(str(Role(role).label) for role in user.roles)
            rows.append((user.username, spec.informal_title, roles))
    return rows
