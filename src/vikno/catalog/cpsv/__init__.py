"""The catalogue as open linked data in CPSV-AP 3.2.0, the EU Core Public Service Vocabulary Application Profile.

- ``vocabulary``: namespaces, stable URIs under ``settings.CATALOG_URI_BASE`` and the portal's code lists;
- ``export``: published services and what they reference, as an rdflib graph;
- ``centres``: service centres as channels with a place, opening hours and accessibility (both directions);
- ``formats``: Turtle and JSON-LD that keep every literal exact;
- ``importer``: the reverse mapping, so that export → import → export gives the same graph.
"""
