"""Reading a CPSV-AP graph: typed, None-safe access to values, and validated writes of rows.

rdflib treats ``None`` as a wildcard (``graph.value(None, p)`` returns *any* subject's value), so every
helper here answers "nothing" for a missing node instead.
"""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.urls import Resolver404, resolve
from django.utils import translation
from rdflib import Graph, Literal, URIRef

from vikno.catalog.cpsv.vocabulary import DCT, FOAF, SKOS, Uris, languages

_TRAILING_NUMBER = re.compile(r"(\d+)$")


class CpsvImportError(Exception):
    pass


class Reader:
    """Typed access to the graph: language-keyed texts, plain values, concept codes."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.languages = languages()
        self.uris = Uris()

    def error(self, node, message: str) -> CpsvImportError:
        return CpsvImportError(f"<{node}>: {message}")

    def value(self, node, predicate):
        return self.graph.value(node, predicate) if node is not None else None

    def objects(self, node, predicate) -> list:
        return list(self.graph.objects(node, predicate)) if node is not None else []

    def texts(self, node, predicate, field_name: str, *, required: bool = False) -> dict:
        """{"title_uk": ..., "title_en": ...}; a literal without a language counts as the first language.

        A missing text is "" in the first (default) language and None (untranslated) in the others.
        """
        first = self.languages[0]
        literals = sorted(value for value in self.objects(node, predicate) if isinstance(value, Literal))
        found = {value.language: str(value) for value in literals if value.language in self.languages}
        for value in literals:
            if not value.language:
                found.setdefault(first, str(value))
        if required and not found:
            raise self.error(node, f"{predicate} is required")
        return {f"{field_name}_{code}": found.get(code, "" if code == first else None) for code in self.languages}

    def plain(self, node, predicate) -> str:
        value = self.value(node, predicate)
        return str(value) if value is not None else ""

    def concept_code(self, concept) -> str:
        """The skos:notation of a concept, or the last segment of its URI."""
        notation = self.value(concept, SKOS.notation)
        return str(notation) if notation is not None else str(concept).rstrip("/").rsplit("/", 1)[-1]

    def code(self, node, predicate) -> str:
        concept = self.value(node, predicate)
        return self.concept_code(concept) if concept is not None else ""

    def codes(self, node, predicate) -> set[str]:
        return {self.concept_code(concept) for concept in self.objects(node, predicate)}

    def key(self, node, predicate=DCT.identifier) -> str:
        value = self.plain(node, predicate)
        if not value:
            raise self.error(node, f"{predicate} is required")
        return value

    def ordered(self, node, predicate) -> list[URIRef]:
        """Child nodes in the order their identifiers number them ("X/evidence/2" before "X/evidence/10")."""

        def order(child):
            match = _TRAILING_NUMBER.search(self.plain(child, DCT.identifier) or str(child))
            return (int(match.group(1)) if match else 0, str(child))

        return sorted(self.objects(node, predicate), key=order)

    def slug_from_pages(self, node, view_name: str) -> str | None:
        """The slug in one of the portal pages (foaf:page) of a resource, whatever the host and language."""
        for page in self.objects(node, FOAF.page):
            path = urlsplit(str(page)).path
            for code in self.languages:
                with translation.override(code):
                    try:
                        match = resolve(path)
                    except Resolver404:
                        continue
                if match.view_name == view_name and "slug" in match.kwargs:
                    return match.kwargs["slug"]
        return None


def save(model, lookup: dict, values: dict):
    """Update or create one row by its key (create when there is no key), validated as a form would be."""
    instance = (model.objects.filter(**lookup).first() if lookup else None) or model(**lookup)
    created = instance._state.adding
    for name, value in values.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as error:
        raise CpsvImportError(f"{model._meta.verbose_name} {lookup}: {'; '.join(error.messages)}") from error
    instance.save()
    return instance, created


def create_all(model, parent: str, rows: list[dict]) -> None:
    """Create the child rows of a just-saved parent in one query, each validated first.

    The parent needs no lookup, and uniqueness and checks are left to the database's constraints.
    """
    instances = [model(**row) for row in rows]
    for instance in instances:
        try:
            instance.full_clean(exclude=[parent], validate_unique=False, validate_constraints=False)
        except ValidationError as error:
            raise CpsvImportError(f"{model._meta.verbose_name}: {'; '.join(error.messages)}") from error
    model.objects.bulk_create(instances)
