"""Writing and reading CPSV-AP documents as Turtle and JSON-LD.

rdflib's writers turn an ``xsd:double`` into a float on the way out (Turtle writes ``2.79e+02`` with six
significant digits; JSON-LD writes a JSON number), so a fee could lose kopiyky. Both writers here keep every
literal's lexical form exactly as the exporter made it. The JSON-LD is flattened, with a context of the
usual prefixes, sorted so that the same graph always gives the same bytes.
"""

import io
import json
import warnings
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.plugins.serializers.turtle import TurtleSerializer

from vikno.catalog.cpsv.vocabulary import PREFIXES


@dataclass(frozen=True)
class Format:
    name: str
    content_type: str
    extension: str


TURTLE = Format("turtle", "text/turtle; charset=utf-8", "ttl")
JSON_LD = Format("json-ld", "application/ld+json", "jsonld")
FORMATS = {TURTLE.name: TURTLE, JSON_LD.name: JSON_LD}


def format_for_path(path: str) -> Format:
    lowered = path.lower()
    if lowered.endswith((".jsonld", ".json")):
        return JSON_LD
    if lowered.endswith((".ttl", ".turtle")):
        return TURTLE
    raise ValueError("Name the file .ttl or .jsonld, or give the format.")


def serialize(graph: Graph, fmt: str) -> bytes:
    if fmt == TURTLE.name:
        stream = io.BytesIO()
        _ExactTurtleSerializer(graph).serialize(stream, encoding="utf-8")
        return stream.getvalue()
    if fmt == JSON_LD.name:
        return _jsonld(graph).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}")


def parse(data: bytes | str, fmt: str) -> Graph:
    """A graph from a document; ValueError when it is not one. JSON-LD may not name remote contexts."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    graph = Graph()
    try:
        if fmt == JSON_LD.name:
            document = json.loads(data)
            _refuse_remote_contexts(document)
            with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated ConjunctiveGraph
                warnings.filterwarnings("ignore", "ConjunctiveGraph is deprecated", DeprecationWarning)
                graph.parse(data=json.dumps(document), format="json-ld")
        else:
            graph.parse(data=data, format="turtle")
    except (SyntaxError, TypeError, KeyError, AttributeError) as error:
        raise ValueError(f"not a valid {fmt} document: {error}") from error
    return graph


class _ExactTurtleSerializer(TurtleSerializer):
    def label(self, node, position):
        if isinstance(node, Literal) and node.datatype == XSD.double:
            return f'"{node}"^^{self.get_pname(XSD.double) or XSD.double.n3()}'
        return super().label(node, position)


def _compact(iri: str) -> str:
    """ "dct:title" for a property or class in a known namespace (the longest matching one)."""
    namespaces = [(len(str(ns)), prefix, str(ns)) for prefix, ns in PREFIXES.items()]
    matches = [match for match in namespaces if iri.startswith(match[2]) and len(iri) > match[0]]
    if not matches:
        return iri
    _length, prefix, namespace = max(matches)
    return f"{prefix}:{iri[len(namespace) :]}"


def _value(term) -> dict:
    if isinstance(term, URIRef):
        return {"@id": str(term)}
    if isinstance(term, BNode):
        return {"@id": f"_:{term}"}
    if term.language:
        return {"@value": str(term), "@language": term.language}
    if term.datatype and term.datatype != XSD.string:
        return {"@value": str(term), "@type": _compact(str(term.datatype))}
    return {"@value": str(term)}


def _jsonld(graph: Graph) -> str:
    nodes: dict[str, dict] = {}
    for subject, predicate, obj in graph:
        key = _value(subject)["@id"]
        node = nodes.setdefault(key, {"@id": key})
        if predicate == RDF.type and isinstance(obj, URIRef):
            node.setdefault("@type", []).append(_compact(str(obj)))
        else:
            node.setdefault(_compact(str(predicate)), []).append(_value(obj))
    for node in nodes.values():
        for values in node.values():
            if isinstance(values, list):
                values.sort(key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    document = {
        "@context": {prefix: str(namespace) for prefix, namespace in PREFIXES.items()},
        "@graph": [nodes[key] for key in sorted(nodes)],
    }
    return json.dumps(document, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def _refuse_remote_contexts(value) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                contexts = item if isinstance(item, list) else [item]
                if any(isinstance(c, str) or (isinstance(c, dict) and "@import" in c) for c in contexts):
                    raise ValueError("Remote JSON-LD contexts are not loaded; embed the context in the file.")
            _refuse_remote_contexts(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_remote_contexts(item)
