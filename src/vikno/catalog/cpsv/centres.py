"""Service centres in CPSV-AP: a centre is a ``cv:Channel`` through which it delivers the services it offers.

The channel carries the centre's name, the operating organisation (``cv:ownedBy``), its place
(``dct:spatial`` → ``dct:Location`` with a ``locn:Address`` and a WKT point), a contact point, the weekly
opening hours as OWL-Time entities (``cv:openingHours``; a day with a break is two intervals), its special
days (a day of other hours is a dated ``cv:openingHours`` interval; a closed day, and closure on public
holidays, are ``cv:specialOpeningHoursSpecification``) and its accessibility (``cv:isClassifiedBy``).
"""

import datetime
import re
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

from vikno.catalog.cpsv.vocabulary import (
    ACCESSIBILITY_FIELDS,
    CV,
    DCT,
    EU_FREQUENCY,
    FIXED_TITLES,
    GSP,
    LOCN,
    SERVICE_CENTRE,
    TIME,
    TIME_DAYS,
    WEEKDAY_LABELS,
    WEEKDAYS,
    sub,
)
from vikno.catalog.models import ServiceCentre

WEEKLY = EU_FREQUENCY["WEEKLY"]
_POINT = re.compile(r"^\s*POINT\s*\(\s*(-?\d+(?:\.\d+)?)\s+(-?\d+(?:\.\d+)?)\s*\)\s*$", re.IGNORECASE)


def add_centre(builder, centre: ServiceCentre) -> URIRef:
    node = builder.uris.centre(centre.slug)
    if not builder.first_time(node):
        return node
    add = builder.add
    add(node, RDF.type, CV.Channel)
    add(node, DCT.identifier, Literal(centre.slug))
    add(node, DCT.type, builder.concept("channel-type", SERVICE_CENTRE))
    builder.text(node, DCT.title, centre, "name")
    add(node, CV.ownedBy, builder.organisation(centre.organisation_id))
    builder.pages(node, "catalog:centre-detail", centre.slug)
    for field in ACCESSIBILITY_FIELDS:
        if getattr(centre, field):
            add(node, CV.isClassifiedBy, builder.concept("accessibility", field))

    location, address = sub(node, "location"), sub(node, "address")
    add(node, DCT.spatial, location)
    add(location, RDF.type, DCT.Location)
    add(location, LOCN.address, address)
    point = f"POINT({centre.longitude} {centre.latitude})"
    add(location, LOCN.geometry, Literal(point, datatype=GSP.wktLiteral))
    builder.text(location, DCT.description, centre, "accessibility_notes")
    add(address, RDF.type, LOCN.Address)
    builder.text(address, LOCN.thoroughfare, centre, "street_address")
    builder.text(address, LOCN.postName, centre, "city")
    builder.text(address, LOCN.adminUnitL2, centre, "region")
    if centre.postcode:
        add(address, LOCN.postCode, Literal(centre.postcode))
    for code in builder.languages:
        parts = [getattr(centre, f"{field}_{code}") for field in ("street_address", "city", "region")]
        if all(parts):
            full = ", ".join([*parts, centre.postcode] if centre.postcode else parts)
            add(address, LOCN.fullAddress, Literal(full, lang=code))

    if centre.phone or centre.email or centre.website:
        contact = sub(node, "contact")
        add(node, CV.contactPoint, contact)
        builder.contact_point(contact, email=centre.email, phone=centre.phone, page=centre.website)
    for hours in centre.opening_hours.all():
        _add_hours(builder, node, hours)
    for day in centre.special_days.all():
        _add_special_day(builder, node, day)
    if centre.closed_on_public_holidays:
        holidays = sub(node, "public-holidays")
        add(node, CV.specialOpeningHoursSpecification, holidays)
        add(holidays, RDF.type, TIME.TemporalEntity)
        builder.labels(holidays, DCT.description, FIXED_TITLES["public-holidays"])
    return node


def _add_hours(builder, node: URIRef, hours) -> None:
    if hours.break_starts and hours.break_ends:
        intervals = [(hours.opens, hours.break_starts), (hours.break_ends, hours.closes)]
    else:
        intervals = [(hours.opens, hours.closes)]
    day = WEEKDAYS[hours.weekday]
    for number, (begins, ends) in enumerate(intervals, start=1):
        entity = sub(node, "hours", day, number)
        builder.add(node, CV.openingHours, entity)
        builder.add(entity, RDF.type, TIME.TemporalEntity)
        builder.add(entity, CV.frequency, builder.external_concept(WEEKLY, "WEEKLY"))
        for code in builder.languages:
            label = WEEKDAY_LABELS.get(code, WEEKDAY_LABELS["en"])[hours.weekday]
            text = f"{label} {begins:%H:%M}–{ends:%H:%M}"
            builder.add(entity, DCT.description, Literal(text, lang=code))
        for predicate, moment, name in ((TIME.hasBeginning, begins, "begins"), (TIME.hasEnd, ends, "ends")):
            instant, description = sub(entity, name), sub(entity, name, "time")
            builder.add(entity, predicate, instant)
            builder.add(instant, RDF.type, TIME.Instant)
            builder.add(instant, TIME.inDateTime, description)
            builder.add(description, RDF.type, TIME.DateTimeDescription)
            builder.add(description, TIME.dayOfWeek, TIME_DAYS[hours.weekday])
            builder.add(description, TIME.hour, Literal(moment.hour, datatype=XSD.nonNegativeInteger))
            builder.add(description, TIME.minute, Literal(moment.minute, datatype=XSD.nonNegativeInteger))
            builder.add(description, TIME.unitType, TIME.unitMinute)


def _add_special_day(builder, node: URIRef, day) -> None:
    """A closed day restricts availability for one day; a day of other hours is a dated opening interval."""
    if day.closed:
        entity, begins = sub(node, "closed", day.date.isoformat()), sub(node, "closed", day.date.isoformat(), "begins")
        builder.add(node, CV.specialOpeningHoursSpecification, entity)
        builder.add(entity, TIME.hasBeginning, begins)
        builder.add(begins, RDF.type, TIME.Instant)
        builder.add(begins, TIME.inXSDDate, Literal(day.date.isoformat(), datatype=XSD.date))
        builder.add(entity, TIME.hasXSDDuration, Literal("P1D", datatype=XSD.duration))
    else:
        entity = sub(node, "hours", day.date.isoformat())
        builder.add(node, CV.openingHours, entity)
        zone = ZoneInfo(settings.TIME_ZONE)
        for predicate, moment, name in ((TIME.hasBeginning, day.opens, "begins"), (TIME.hasEnd, day.closes, "ends")):
            instant = sub(entity, name)
            stamp = datetime.datetime.combine(day.date, moment, tzinfo=zone).isoformat()
            builder.add(entity, predicate, instant)
            builder.add(instant, RDF.type, TIME.Instant)
            builder.add(instant, TIME.inXSDDateTimeStamp, Literal(stamp, datatype=XSD.dateTimeStamp))
    builder.add(entity, RDF.type, TIME.TemporalEntity)
    builder.text(entity, DCT.description, day, "note")


# --- import ---------------------------------------------------------------------------------------------
def is_centre(reader, channel) -> bool:
    return reader.code(channel, DCT.type) == SERVICE_CENTRE


def read_centre(reader, node: URIRef) -> tuple[dict, list[dict], list[dict]]:
    """The fields of a centre channel, its weekly opening hours and its special days, for the importer."""
    r = reader
    location = r.value(node, DCT.spatial)
    address = r.value(location, LOCN.address)
    match = _POINT.match(r.plain(location, LOCN.geometry))
    if not match:
        raise r.error(node, "a service centre needs a point (locn:geometry) in WKT")
    contact = r.value(node, CV.contactPoint)
    features = r.codes(node, CV.isClassifiedBy)
    fields = {
        **r.texts(node, DCT.title, "name", required=True),
        **r.texts(address, LOCN.thoroughfare, "street_address", required=True),
        **r.texts(address, LOCN.postName, "city", required=True),
        **r.texts(address, LOCN.adminUnitL2, "region", required=True),
        **r.texts(location, DCT.description, "accessibility_notes"),
        "postcode": r.plain(address, LOCN.postCode),
        "longitude": Decimal(match.group(1)),
        "latitude": Decimal(match.group(2)),
        "phone": r.plain(contact, CV.telephone),
        "email": r.plain(contact, CV.email),
        "website": r.plain(contact, CV.contactPage),
        "closed_on_public_holidays": sub(node, "public-holidays")
        in r.objects(node, CV.specialOpeningHoursSpecification),
        **{field: field in features for field in ACCESSIBILITY_FIELDS},
    }
    return fields, _read_hours(r, node), _read_special_days(r, node)


def _moment(r, entity, predicate) -> tuple[int, datetime.time] | None:
    description = r.value(r.value(entity, predicate), TIME.inDateTime)
    day = r.value(description, TIME.dayOfWeek)
    if day not in TIME_DAYS:
        return None
    hour, minute = r.value(description, TIME.hour), r.value(description, TIME.minute)
    return TIME_DAYS.index(day), datetime.time(int(hour or 0), int(minute or 0))


def _read_hours(r, node: URIRef) -> list[dict]:
    by_day: dict[int, list[tuple[datetime.time, datetime.time]]] = {}
    for entity in r.objects(node, CV.openingHours):
        if _stamp(r, entity, TIME.hasBeginning) is not None:
            continue  # a dated opening: a special day
        begins, ends = _moment(r, entity, TIME.hasBeginning), _moment(r, entity, TIME.hasEnd)
        if begins is None or ends is None or begins[0] != ends[0]:
            raise r.error(entity, "opening hours need a beginning and an end on the same weekday")
        by_day.setdefault(begins[0], []).append((begins[1], ends[1]))
    rows = []
    for weekday, intervals in sorted(by_day.items()):
        intervals.sort()
        if len(intervals) > 2:
            raise r.error(node, "at most two opening intervals a day (one break) are supported")
        row = {"weekday": weekday, "opens": intervals[0][0], "closes": intervals[-1][1]}
        if len(intervals) == 2:
            row.update(break_starts=intervals[0][1], break_ends=intervals[1][0])
        rows.append(row)
    return rows


def _stamp(r, entity, predicate) -> datetime.datetime | None:
    value = r.value(r.value(entity, predicate), TIME.inXSDDateTimeStamp)
    if value is None:
        return None
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError as error:
        raise r.error(entity, f"{value} is not a date and time with a zone") from error
    if moment.tzinfo is None:
        raise r.error(entity, f"{value} has no time zone")
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE))


def _read_special_days(r, node: URIRef) -> list[dict]:
    days = []
    for entity in r.objects(node, CV.openingHours):
        begins, ends = _stamp(r, entity, TIME.hasBeginning), _stamp(r, entity, TIME.hasEnd)
        if begins is not None:
            if ends is None or ends.date() != begins.date():
                raise r.error(entity, "a day of other hours needs a beginning and an end on the same date")
            days.append({"date": begins.date(), "closed": False, "opens": begins.time(), "closes": ends.time()})
            days[-1].update(r.texts(entity, DCT.description, "note"))
    for entity in r.objects(node, CV.specialOpeningHoursSpecification):
        date = r.value(r.value(entity, TIME.hasBeginning), TIME.inXSDDate)
        if date is not None:
            try:
                day = datetime.date.fromisoformat(str(date))
            except ValueError as error:
                raise r.error(entity, f"{date} is not a date") from error
            days.append({"date": day, "closed": True, **r.texts(entity, DCT.description, "note")})
    return sorted(days, key=lambda row: row["date"])
