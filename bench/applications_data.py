"""Data for the applications benchmark: the bench database, people, drafts, sessions, and a million cases.

Imported by ``applications_bench.py`` once Django is set up (the module imports Django models at the top).
Everything a citizen or an official would have is made the way the portal makes it where that is cheap enough
(drafts through ``application_start`` / ``attachment_add`` / ``application_save_step``); bulk rows (users,
sessions, the million cases) are written directly, since there is no service to create a million submitted
applications and going through one would take hours.
"""

from __future__ import annotations

import datetime as dt
import time

from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from vikno.applications import services
from vikno.applications.models import Application
from vikno.applications.selectors import definition_of
from vikno.applications.tests.factories import good_answers, png_bytes, published
from vikno.catalog.tests.factories import OrganisationFactory, PublicServiceFactory
from vikno.core import rnokpp
from vikno.identity.constants import Assurance, Role
from vikno.identity.models import SignedInSession, User
from vikno.identity.session import ASSURANCE_KEY, METHOD_KEY, SECOND_FACTOR_KEY, SESSION_ID_KEY
from vikno.identity.tests.factories import official

BACKEND = "django.contrib.auth.backends.ModelBackend"

# How the million cases are spread over the workflow of tests/factories.py (cumulative shares). Open cases are
# about a quarter; the rest were decided over the past three years and stay in the table.
STATES = [
    ("submitted", 0.08),
    ("in_review", 0.20),
    ("awaiting_information", 0.23),
    ("approved", 0.83),
    ("refused", 0.95),
    ("withdrawn", 1.00),
]
OUTCOMES = {"approved": "approval", "refused": "refusal", "withdrawn": "withdrawn"}
# Columns the bulk insert fills; any other NOT NULL column without a default makes the bench stop and say so.
BULK_COLUMNS = [
    "id", "created_at", "updated_at", "reference", "applicant_id", "on_behalf_of_id", "party_name", "definition_id",
    "service_id", "organisation_id", "state", "answers", "submitted_at", "due_date", "clock_stopped_on", "outcome",
    "decided_at", "decision_reasons", "assignee_id", "result_document_id", "version",
]  # fmt: skip


def authority_with_service(name: str):
    """An organisation, a published catalogue service of it, and its published definition (tests/factories.py)."""
    organisation = OrganisationFactory(name_uk=f"Орган {name}", name_en=f"Authority {name}")
    definition = published(PublicServiceFactory(competent_authority=organisation))
    return organisation, definition.service, definition


def citizens(count: int, prefix: str) -> list[User]:
    """Citizens with valid, distinct RNOKPPs (a thousand per date of birth) and no usable password."""
    first_born = dt.date(1960, 1, 1)
    people = []
    for n in range(count):
        born = first_born + dt.timedelta(days=n // 1000 + (0 if prefix == "c" else 9000))
        people.append(
            User(
                username=f"bench-{prefix}-{n}",
                first_name="Олена",
                last_name="Шевченко",
                birth_date=born,
                rnokpp=rnokpp.make(born, n, female=True),
                email=f"bench-{prefix}-{n}@example.com",
                phone="+380671234567",
                password=make_password(None),
                identity_source="demo",
            )
        )
    return User.objects.bulk_create(people, batch_size=1000)


def officials(organisation, count: int, prefix: str) -> list[User]:
    """Case officers of the organisation (through the test factory: password, role assignment, groups)."""
    return [
        official(f"{prefix}-{n}@vikno.example", organisation, Role.CASE_OFFICER, first_name="Іван", last_name=f"{n}")
        for n in range(count)
    ]


def drafts(people: list[User], service, *, progress_every: int = 500) -> list[Application]:
    """One complete draft per person, with an uploaded passport scan, made by the applicant's own services."""
    upload = png_bytes()
    made = []
    started = time.perf_counter()
    question = None
    for n, person in enumerate(people, 1):
        application = services.application_start(applicant=person, service=service)
        if question is None:
            question = next(q for q in definition_of(application.definition).form.questions if q.name == "passport")
        attachment = services.attachment_add(
            application=application,
            question=question,
            upload=SimpleUploadedFile("passport.png", upload, content_type="image/png"),
            actor=person,
        )
        values = good_answers(person.rnokpp, [str(attachment.pk)])
        made.append(services.application_save_step(application=application, values=values))
        if n % progress_every == 0:
            print(f"  drafts: {n:,}/{len(people):,} ({time.perf_counter() - started:.0f} s)", flush=True)
    return made


def sessions(people: list[User], *, staff: bool = False) -> dict:
    """A signed-in session per person, as the sign-in pages leave it (identity.session.sign_in): the auth keys,
    the method, the level of assurance (citizens) or the second factor (officials), and a tracked session row
    that the session middleware checks on every request. Returns {user id: session key}."""
    now = timezone.now()
    tracked = SignedInSession.objects.bulk_create(
        [
            SignedInSession(
                user=person,
                method="password" if staff else "eid:demo",
                assurance=None if staff else int(Assurance.SUBSTANTIAL),
                ip_address="127.0.0.1",
                user_agent="vikno-bench",
                last_seen_at=now,
            )
            for person in people
        ],
        batch_size=1000,
    )
    store = SessionStore()
    rows, keys = [], {}
    for person, row in zip(people, tracked, strict=True):
        data = {
            "_auth_user_id": str(person.pk),
            "_auth_user_backend": BACKEND,
            "_auth_user_hash": person.get_session_auth_hash(),
            SESSION_ID_KEY: str(row.public_id),
        }
        if staff:
            data.update({METHOD_KEY: "password", SECOND_FACTOR_KEY: "totp"})
        else:
            data.update({METHOD_KEY: "eid:demo", ASSURANCE_KEY: int(Assurance.SUBSTANTIAL)})
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        rows.append(Session(session_key=key, session_data=store.encode(data), expire_date=now + dt.timedelta(hours=8)))
        keys[person.pk] = key
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def check_bulk_columns() -> None:
    """Stop with a clear message when the application table gained a NOT NULL column the bulk insert misses."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'applications_application' "
            "AND is_nullable = 'NO' AND column_default IS NULL"
        )
        missing = sorted({row[0] for row in cursor.fetchall()} - set(BULK_COLUMNS))
    if missing:
        raise SystemExit(f"applications_application has NOT NULL columns the bench does not fill: {missing}")


# One chunk of generated cases. Each row draws its random numbers once (the inner SELECT), so that a state,
# its outcome and its dates agree. Organisation 0 (the official's) gets every fifth row: 20 % of the cases.
BULK_SQL = """
INSERT INTO applications_application (
    id, created_at, updated_at, reference, applicant_id, on_behalf_of_id, party_name, definition_id, service_id,
    organisation_id, state, answers, submitted_at, due_date, clock_stopped_on, outcome, decided_at,
    decision_reasons, assignee_id, result_document_id, version
)
SELECT
    gen_random_uuid(),
    submitted - interval '1 hour',
    COALESCE(decided, submitted),
    to_char(submitted, 'YY') || '-' || substr(body, 1, 4) || '-' || substr(body, 5, 4) || '-' || (g %% 10)::text,
    (%(applicants)s::uuid[])[1 + floor(r_applicant * %(applicant_count)s)::int],
    NULL,
    '',
    org.definition_id,
    org.service_id,
    org.organisation_id,
    state,
    jsonb_build_object('purpose', 'work', 'full_name', 'Шевченко Олена Петрівна', 'children', g %% 4),
    submitted,
    due,
    CASE WHEN state = 'awaiting_information' THEN current_date - (r_assign * 5)::int END,
    CASE state WHEN 'approved' THEN 'approval' WHEN 'refused' THEN 'refusal' WHEN 'withdrawn' THEN 'withdrawn'
        ELSE '' END,
    decided,
    '',
    CASE WHEN r_assign < (CASE WHEN decided IS NULL THEN 0.4 ELSE 0.9 END)
        THEN org.officials[1 + floor(r_who * array_length(org.officials, 1))::int] END,
    NULL,
    1 + (g %% 3)
FROM (
    SELECT g, r_applicant, r_assign, r_who, state, body, submitted,
           CASE WHEN state IN ('approved', 'refused', 'withdrawn')
                THEN submitted + (1 + r_days * 19) * interval '1 day' END AS decided,
           (submitted + interval '14 days')::date AS due
    FROM (
        SELECT g, r_applicant, r_assign, r_who, r_days, state,
               lpad(((g::bigint * 7919) %% 100000000)::text, 8, '0') AS body,
               CASE WHEN state IN ('approved', 'refused', 'withdrawn')
                    THEN now() - interval '30 days' - r_age * interval '1065 days'
                    ELSE now() - r_age * interval '30 days' END AS submitted
        FROM (
            SELECT g, random() AS r_applicant, random() AS r_assign, random() AS r_who, random() AS r_days,
                   random() AS r_age,
                   CASE {state_cases} END AS state
            FROM (SELECT g, random() AS r_state FROM generate_series(%(lo)s, %(hi)s - 1) AS g) AS drawn
        ) AS raw
    ) AS dated
) AS rows
JOIN (VALUES {organisations}) AS org (idx, organisation_id, service_id, definition_id, officials)
    ON org.idx = CASE WHEN g %% 5 = 0 THEN 0 ELSE 1 + g %% 4 END
ON CONFLICT (reference) DO NOTHING
"""


def insert_cases(*, total: int, organisations: list[dict], applicant_ids: list, chunk: int = 100_000) -> int:
    """``total`` submitted cases spread over the organisations (the first one gets 20 %, the others share the
    rest), their states, due dates around today (open cases) or over the past three years (decided cases), and
    assignees among each organisation's officials. Returns how many rows were inserted (a reference that
    happens to equal one drawn by a live submission is skipped)."""
    check_bulk_columns()
    state_cases = " ".join(f"WHEN r_state < {share} THEN '{state}'" for state, share in STATES[:-1])
    state_cases += f" ELSE '{STATES[-1][0]}'"
    values = ", ".join(
        f"({n}, '{o['organisation_id']}'::uuid, '{o['service_id']}'::uuid, '{o['definition_id']}'::uuid, "
        f"ARRAY[{', '.join(repr(str(u)) for u in o['officials'])}]::uuid[])"
        for n, o in enumerate(organisations)
    )
    sql = BULK_SQL.format(state_cases=state_cases, organisations=values)
    inserted = 0
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SELECT setseed(0.2025)")
        for lo in range(0, total, chunk):
            hi = min(lo + chunk, total)
            cursor.execute(
                sql,
                {
                    "lo": lo + 1,
                    "hi": hi + 1,
                    "applicants": [str(a) for a in applicant_ids],
                    "applicant_count": len(applicant_ids),
                },
            )
            inserted += cursor.rowcount
            elapsed = time.perf_counter() - started
            print(f"  inserted {hi:,}/{total:,} cases ({elapsed:.0f} s, {hi / elapsed:,.0f} rows/s)", flush=True)
        cursor.execute("SET synchronous_commit = on")
    return inserted


def vacuum_analyze() -> float:
    """What autovacuum would have done by the time officials use the queue: visibility map and statistics."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE applications_application")
        cursor.execute("ANALYZE")
    return time.perf_counter() - started
