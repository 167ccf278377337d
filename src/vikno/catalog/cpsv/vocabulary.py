"""Namespaces, stable URIs and the small code lists of the CPSV-AP 3.2.0 mapping.

Every URI of the catalogue's own resources sits under ``settings.CATALOG_URI_BASE``. Code lists the
portal owns (audiences, channel kinds, cost kinds...) are published as SKOS concepts with a
``skos:notation`` equal to the stored code, so an importer never has to parse a URI to read them.
Their labels are data, kept here in both content languages, not user-interface strings.
"""

from django.conf import settings
from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, ORG, RDF, RDFS, SKOS, TIME, XSD

CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
DCT = DCTERMS

# EU Publications Office authority tables.
EU_CURRENCY = Namespace("http://publications.europa.eu/resource/authority/currency/")
EU_COUNTRY = Namespace("http://publications.europa.eu/resource/authority/country/")
EU_FREQUENCY = Namespace("http://publications.europa.eu/resource/authority/frequency/")
COUNTRY = EU_COUNTRY["UKR"]

PREFIXES = {
    "cpsv": CPSV,
    "cv": CV,
    "dct": DCT,
    "dcat": DCAT,
    "eli": ELI,
    "foaf": FOAF,
    "locn": LOCN,
    "org": ORG,
    "adms": ADMS,
    "skos": SKOS,
    "time": TIME,
    "gsp": GSP,
    "rdf": RDF,
    "rdfs": RDFS,
    "xsd": XSD,
}

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEKDAY_LABELS = {
    "uk": ("Понеділок", "Вівторок", "Середа", "Четвер", "П'ятниця", "Субота", "Неділя"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
TIME_DAYS = tuple(TIME[day.capitalize()] for day in WEEKDAYS)

# Code lists: scheme -> (labels of the scheme, {code: labels}). A code missing here still exports, labelled
# with its code, and a test keeps the lists complete.
CODE_LISTS: dict[str, tuple[dict[str, str], dict[str, dict[str, str]]]] = {
    "audience": (
        {"uk": "Отримувачі послуг", "en": "Audiences"},
        {
            "citizens": {"uk": "Громадяни", "en": "Citizens"},
            "businesses": {"uk": "Бізнес", "en": "Businesses"},
        },
    ),
    "channel-type": (
        {"uk": "Канали отримання послуг", "en": "Channel types"},
        {
            "online": {"uk": "Онлайн", "en": "Online"},
            "in_person": {"uk": "Особисто", "en": "In person"},
            "phone": {"uk": "Телефоном", "en": "By phone"},
            "post": {"uk": "Поштою", "en": "By post"},
            "sms": {"uk": "Через SMS", "en": "By SMS"},
            "service-centre": {"uk": "Центр надання послуг", "en": "Service centre"},
        },
    ),
    "cost-kind": (
        {"uk": "Види вартості", "en": "Kinds of cost"},
        {
            "free": {"uk": "Безоплатно", "en": "Free"},
            "fixed": {"uk": "Фіксована плата", "en": "Fixed fee"},
            "variable": {"uk": "Залежить від випадку", "en": "Depends on the case"},
        },
    ),
    "organisation-type": (
        {"uk": "Типи органів", "en": "Types of public bodies"},
        {
            "ministry": {"uk": "Міністерство", "en": "Ministry"},
            "agency": {"uk": "Центральний орган виконавчої влади", "en": "Central executive agency"},
            "regional_office": {"uk": "Територіальний орган", "en": "Regional office"},
            "local_council": {"uk": "Орган місцевого самоврядування", "en": "Local council"},
            "asc": {"uk": "Центр надання адміністративних послуг", "en": "Administrative service centre"},
            "state_enterprise": {"uk": "Державне підприємство", "en": "State enterprise"},
            "other": {"uk": "Інший орган публічної влади", "en": "Other public body"},
        },
    ),
    "accessibility": (
        {"uk": "Доступність приміщень", "en": "Accessibility of premises"},
        {
            "step_free_access": {"uk": "Вхід без сходинок", "en": "Step-free entrance"},
            "accessible_toilet": {"uk": "Доступний туалет", "en": "Accessible toilet"},
            "hearing_loop": {"uk": "Індукційна петля", "en": "Hearing loop"},
            "accessible_parking": {
                "uk": "Паркування для людей з інвалідністю",
                "en": "Parking for disabled people",
            },
        },
    ),
}
SERVICE_CENTRE = "service-centre"
ACCESSIBILITY_FIELDS = tuple(CODE_LISTS["accessibility"][1])

# Titles of the nodes that CPSV-AP requires to have a title while the catalogue keeps only their text.
FIXED_TITLES = {
    "requirement": {"uk": "Хто може отримати послугу", "en": "Who can use the service"},
    "output": {"uk": "Результат послуги", "en": "What you receive"},
    "public-holidays": {"uk": "Не працює у святкові дні", "en": "Closed on public holidays"},
}


def languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


class Uris:
    """Stable URIs of the catalogue's resources under one base."""

    def __init__(self, base: str | None = None):
        base = base if base is not None else settings.CATALOG_URI_BASE
        self.base = base if base.endswith(("/", "#")) else base + "/"

    def uri(self, path: str) -> URIRef:
        return URIRef(self.base + path)

    def service(self, identifier: str) -> URIRef:
        return self.uri(f"service/{identifier}")

    def organisation(self, slug: str) -> URIRef:
        return self.uri(f"organisation/{slug}")

    def sector(self, slug: str) -> URIRef:
        return self.uri(f"sector/{slug}")

    def event(self, slug: str) -> URIRef:
        return self.uri(f"event/{slug}")

    def centre(self, slug: str) -> URIRef:
        return self.uri(f"centre/{slug}")

    def scheme(self, name: str) -> URIRef:
        return self.uri(name)

    def concept(self, scheme: str, code: str) -> URIRef:
        return self.uri(f"{scheme}/{code}")

    def service_identifier(self, uri: URIRef) -> str | None:
        """The identifier in a service URI under this base (for links to services a document leaves out)."""
        prefix = self.base + "service/"
        rest = str(uri)[len(prefix) :] if str(uri).startswith(prefix) else ""
        return rest if rest and "/" not in rest else None


def sub(node: URIRef, *parts: object) -> URIRef:
    """A URI below another: sub(service, "evidence", 1) -> <…/service/X/evidence/1>."""
    return URIRef("/".join([str(node), *(str(part) for part in parts)]))


def bind_prefixes(graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
