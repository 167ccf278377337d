"""The demo catalogue: real Ukrainian public bodies, services and service centres in both languages.

The YAML files next to this module hold the content; ``loader.load_demo()`` writes it to the database.
"""
