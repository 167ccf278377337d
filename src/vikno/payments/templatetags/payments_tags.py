from django import template

from vikno.payments.constants import PaymentState

register = template.Library()

COLOURS: dict[str, str] = {
    PaymentState.PAID: "govuk-tag--green",
    PaymentState.PENDING: "govuk-tag--blue",
    PaymentState.CREATED: "govuk-tag--grey",
    PaymentState.FAILED: "govuk-tag--red",
    PaymentState.EXPIRED: "govuk-tag--grey",
    PaymentState.REFUNDED: "govuk-tag--yellow",
}


@register.filter
def payment_state_colour(state: str) -> str:
    return COLOURS.get(state, "govuk-tag--grey")


@register.filter
def payment_state_label(state: str) -> str:
    return str(PaymentState(state).label) if state in PaymentState.values else state
