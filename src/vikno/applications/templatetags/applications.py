from django import template

from vikno.applications.definition import text

register = template.Library()


@register.filter
def localised(value) -> str:
    """A definition's text ({"uk": ..., "en": ...}) in the active language."""
    return text(value)


@register.filter
def lookup(values: dict, key: str) -> str:
    """values[key], or "" (date and address parts, labels by id)."""
    return values.get(key, "") if values else ""
