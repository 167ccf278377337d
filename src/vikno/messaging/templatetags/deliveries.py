"""One colour per delivery state wherever a state is shown (the citizen's inbox, the case page)."""

from django import template

register = template.Library()

COLOURS = {"delivered": "green", "sent": "blue", "failed": "red", "dead": "red", "suppressed": "yellow"}


@register.filter
def delivery_tag(state: str) -> str:
    """The GOV.UK tag class of a delivery state: `<strong class="govuk-tag {{ state|delivery_tag }}">`."""
    return f"govuk-tag--{COLOURS.get(state, 'grey')}"
