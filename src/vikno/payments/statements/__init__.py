"""Bank statements (ISO 20022 camt.053 and camt.054) of the accounts that state fees are paid to."""

from vikno.payments.statements.camt import Statement, StatementEntry, StatementError, parse

__all__ = ["Statement", "StatementEntry", "StatementError", "parse"]
