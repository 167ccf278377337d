from django import template

from vikno.applications.definition import text

register = template.Library()


@register.filter
def localised(value) -> str:
    """A definition's text ({"uk": ..., "en": ...}) in the active language."""
    return text(value)


@register.filter
def get_part(parts: dict, name: str) -> str:
    return parts.get(name, "") if parts else ""
