class PaymentRefused(Exception):
    """An action on a payment that cannot be taken; the message is a translated sentence for the person."""
