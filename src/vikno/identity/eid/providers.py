"""The configured eID providers (settings.EID_PROVIDERS), as typed objects."""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import get_language

from vikno.identity.constants import EIDAS_ACR, Assurance

# Vikno's name for a person's attribute → the claim that carries it, unless a provider's settings say otherwise.
DEFAULT_CLAIMS = {
    "rnokpp": "rnokpp",
    "given_name": "given_name",
    "family_name": "family_name",
    "middle_name": "middle_name",
    "birthdate": "birthdate",
    "email": "email",
    "phone_number": "phone_number",
}
LEVEL_NAMES = {"low": Assurance.LOW, "substantial": Assurance.SUBSTANTIAL, "high": Assurance.HIGH}


@dataclass(frozen=True)
class EidProvider:
    slug: str
    name_uk: str
    name_en: str
    issuer: str
    client_id: str
    client_secret: str
    scope: str = "openid profile rnokpp email phone"
    claims: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_CLAIMS))
    levels: dict[str, Assurance] = field(default_factory=lambda: dict(EIDAS_ACR))
    demo: bool = False

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_uk

    def assurance(self, acr: str | None) -> Assurance | None:
        """The level of assurance an `acr` value stands for; None when the provider sent none we know."""
        return self.levels.get(acr or "")


def _from_settings(entry: dict) -> EidProvider:
    values = dict(entry)
    values["claims"] = {**DEFAULT_CLAIMS, **values.get("claims", {})}
    levels = values.pop("levels", None)
    values["levels"] = {acr: LEVEL_NAMES[name] for acr, name in levels.items()} if levels else dict(EIDAS_ACR)
    return EidProvider(**values)


def all_providers() -> list[EidProvider]:
    return [_from_settings(entry) for entry in settings.EID_PROVIDERS]


def providers_giving(level: Assurance | None) -> list[EidProvider]:
    """The providers with a way of signing in at `level` or higher (all of them for no level)."""
    return [p for p in all_providers() if level is None or any(lvl >= level for lvl in p.levels.values())]


def get_provider(slug: str) -> EidProvider | None:
    return next((provider for provider in all_providers() if provider.slug == slug), None)
