"""The data protection officer opening a person's request about their data: the person's log names the officer's
organisation (their own first, where they hold the role), the role and the purpose, and the person may ask that
organisation why. A request of theirs is the open matter for the officer, whatever organisation the officer sits
in, so such a look tells nothing; for anyone else in that organisation it is no open matter. The "Your data" page
leads to the log."""

# ruff: noqa: F811  (the fixtures are imported from rights_fixtures and named as arguments)

import pytest
from django.urls import reverse

from vikno.identity.constants import Role
from vikno.identity.models import RoleAssignment
from vikno.identity.tests.factories import official
from vikno.messaging.models import Notification
from vikno.privacy.models import DataAccess
from vikno.privacy.rights.constants import RequestKind
from vikno.privacy.rights.requests import data_request_submit, officer_organisation
from vikno.privacy.rights.selectors import request_open_for_officer
from vikno.privacy.selectors import LookPurpose, open_case_exists
from vikno.privacy.services import data_access_record
from vikno.privacy.tests.rights_fixtures import (  # noqa: F401  (pytest fixtures)
    _private_files,
    applicant,
    at,
    authority,
    dpo,
    dpo_client,
    now,
    other_authority,
    signed_in,
)

pytestmark = pytest.mark.django_db

DPO = Role.DATA_PROTECTION_OFFICER


def told(person) -> int:
    return Notification.objects.filter(recipient=person, event="data_accessed").count()


def test_opening_a_request_is_logged_with_the_officers_organisation_role_and_purpose(
    dpo_client, dpo, applicant, other_authority, signed_in, now
):
    filed = data_request_submit(person=applicant, kind=RequestKind.CORRECTION, text="Дата народження")
    assert dpo_client.get(reverse("backoffice:privacy-request", args=[filed.pk])).status_code == 200
    [look] = DataAccess.objects.all()
    assert (look.official, look.subject, look.object_type, look.object_id) == (
        dpo,
        applicant,
        "privacy.datasubjectrequest",
        str(filed.pk),
    )
    assert (look.organisation, look.role, look.purpose) == (
        other_authority,
        "data_protection_officer",
        "data_subject_request",
    )
    assert look.purpose == LookPurpose.DATA_SUBJECT_REQUEST
    assert told(applicant) == 0  # the person's own request is open with the officer

    log = signed_in.get("/en/cabinet/data-access/").content.decode()
    row = log[log.index('id="access-1"') : log.index("</tr>", log.index('id="access-1"'))]
    assert other_authority.name_en in row and "Data protection officer" in row
    assert f"Your request {filed.reference} about your personal data" in row
    assert "Handling your request about your personal data" in row
    assert f'href="/en/cabinet/data-access/{look.public_id}/ask/"' in row  # the organisation can be asked why


def test_the_officer_is_logged_in_their_own_organisation_first(applicant, authority, other_authority, now):
    officer = official("dpo@vikno.example", authority, DPO)
    RoleAssignment.objects.create(user=officer, organisation=other_authority, role=DPO)
    assert officer_organisation(officer) == authority
    elsewhere = official("dpo2@vikno.example", authority, Role.CASE_OFFICER)
    RoleAssignment.objects.create(user=elsewhere, organisation=other_authority, role=DPO)
    assert officer_organisation(elsewhere) == other_authority  # the role is held there, not at home

    filed = data_request_submit(person=applicant, kind=RequestKind.ERASURE)
    assert request_open_for_officer(officer=elsewhere, request_id=filed.pk) == filed
    assert list(DataAccess.objects.values_list("organisation", "role")) == [
        (other_authority.pk, "data_protection_officer")
    ]


def test_a_request_is_an_open_matter_for_the_officer_only(applicant, dpo, other_authority, now):
    assert not open_case_exists(person=applicant, organisation=other_authority, role=DPO)
    data_request_submit(person=applicant, kind=RequestKind.ERASURE)
    assert open_case_exists(person=applicant, organisation=other_authority, role=DPO)
    assert open_case_exists(person=applicant, organisation=other_authority, role=f"case_officer,{DPO}")
    assert not open_case_exists(person=applicant, organisation=other_authority, role="case_officer")
    assert not open_case_exists(person=applicant, organisation=other_authority)

    # A case officer of the officer's organisation looking at the person is told about.
    colleague = official("colleague@vikno.example", other_authority, Role.CASE_OFFICER)
    data_access_record(
        official=colleague,
        subject=applicant,
        target=applicant,
        purpose="processing",
        organisation=other_authority,
        role="case_officer",
    )
    assert told(applicant) == 1


def test_the_officer_looking_without_a_request_is_told_about(applicant, dpo, other_authority, now):
    data_access_record(
        official=dpo,
        subject=applicant,
        target=applicant,
        purpose=LookPurpose.DATA_SUBJECT_REQUEST,
        organisation=other_authority,
        role=DPO,
    )
    assert told(applicant) == 1


def test_your_data_page_leads_to_who_looked_at_it(signed_in):
    html = signed_in.get("/en/cabinet/my-data/").content.decode()
    assert '<h2 class="govuk-heading-m">Who looked at my data</h2>' in html
    assert (
        '<a class="govuk-link" id="access-log-link" href="/en/cabinet/data-access/">See who looked at your data</a>'
        in html
    )
    ukrainian = signed_in.get("/cabinet/my-data/").content.decode()
    assert 'id="access-log-link" href="/cabinet/data-access/">' in ukrainian
