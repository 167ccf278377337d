"""Cases for the back office's tests, written straight to the database (the services have their own tests)."""

import datetime as dt

from vikno.applications.models import Application, PendingDecision
from vikno.applications.selectors import published_definition
from vikno.core import clock, reference

# A Wednesday; three working days later (the "near deadline" window) is Monday 9 March.
TODAY = dt.date(2026, 3, 4)
NOW = dt.datetime(2026, 3, 4, 8, 0, tzinfo=dt.UTC)


def case_row(
    service,
    applicant,
    *,
    due: dt.date | None = None,
    state: str = "submitted",
    assignee=None,
    party_name: str = "",
    outcome: str = "",
    organisation=None,
) -> Application:
    return Application.objects.create(
        reference=reference.make(2026),
        applicant=applicant,
        party_name=party_name,
        definition=published_definition(service=service),
        service=service,
        organisation=organisation or service.competent_authority,
        state=state,
        answers={},
        submitted_at=clock.now(),
        due_date=due or TODAY + dt.timedelta(days=30),
        assignee=assignee,
        outcome=outcome,
        decided_at=clock.now() if outcome else None,
    )


def propose(application: Application, official, transition: str = "approve") -> PendingDecision:
    return PendingDecision.objects.create(application=application, transition=transition, proposed_by=official)


def references(response) -> list[str]:
    """The references of the queue's rows, in the order shown."""
    import re

    return re.findall(r'<tr class="govuk-table__row" id="row-([0-9-]+)">', response.content.decode())


def row(response, application: Application) -> str:
    """The HTML of one row of the queue."""
    html = response.content.decode()
    start = html.index(f'id="row-{application.reference}"')
    return html[start : html.index("</tr>", start)]
