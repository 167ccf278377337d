"""For other apps' tests: the trail cannot be emptied, so a test that wants "the records from here on" marks
the place and reads after it.

    mark = trail_mark()
    ...  # the action under test
    assert list(records_after(mark).values_list("action", flat=True)) == ["identity.role_revoked"]
"""

from django.db.models import QuerySet

from vikno.audit.models import AuditRecord


def trail_mark() -> int:
    """The sequence of the last record written so far (0 for none)."""
    return AuditRecord.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def records_after(mark: int) -> QuerySet[AuditRecord]:
    """The records written after the mark, oldest first."""
    return AuditRecord.objects.filter(sequence__gt=mark).order_by("sequence")
