from django import template

from vikno.backoffice.pages import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    """An official's or an applicant's name as the back office shows it."""
    return person_name(user)
