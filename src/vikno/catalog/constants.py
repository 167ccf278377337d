from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganisationType(models.TextChoices):
    MINISTRY = "ministry", _("Ministry")
    AGENCY = "agency", _("Central executive agency")
    REGIONAL_OFFICE = "regional_office", _("Regional office")
    LOCAL_COUNCIL = "local_council", _("Local council")
    SERVICE_CENTRE_OPERATOR = "asc", _("Administrative service centre")
    STATE_ENTERPRISE = "state_enterprise", _("State enterprise")
    OTHER = "other", _("Other public body")


class Audience(models.TextChoices):
    CITIZENS = "citizens", _("Citizens")
    BUSINESSES = "businesses", _("Businesses")


class EventKind(models.TextChoices):
    LIFE = "life", _("Life event")
    BUSINESS = "business", _("Business event")


class CostKind(models.TextChoices):
    FREE = "free", _("Free")
    FIXED = "fixed", _("Fixed fee")
    VARIABLE = "variable", _("Depends on the case")


class ChannelKind(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    POST = "post", _("By post")
    SMS = "sms", _("By SMS")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_REVIEW = "in_review", _("In review")
    PUBLISHED = "published", _("Published")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
