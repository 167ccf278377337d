"""The catalogue, modelled on CPSV-AP 3.2.0: public organisations, public services and service centres.

Translated text fields (marked in translation.py) get one column per language (``title_uk``, ``title_en``).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from vikno.catalog.constants import (
    Audience,
    ChannelKind,
    CostKind,
    EventKind,
    OrganisationType,
    PublicationStatus,
    Weekday,
)
from vikno.core.models import BaseModel
from vikno.identity.constants import Assurance

identifier_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$", _("Use only Latin letters, digits, dots, hyphens and underscores.")
)


class Organisation(BaseModel):
    """A public organisation (cv:PublicOrganisation) in a hierarchy: ministry → agency → office → council."""

    slug = models.SlugField(_("address name"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    description = models.TextField(_("description"), blank=True)
    org_type = models.CharField(_("type"), max_length=30, choices=OrganisationType.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    code = models.CharField(
        _("registration code (EDRPOU)"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("An EDRPOU code has exactly 8 digits."))],
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        ancestor = self.parent
        while ancestor is not None:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("An organisation cannot be placed below itself.")})
            ancestor = ancestor.parent


class Sector(BaseModel):
    """A topic of services (cv:sector), shown as a category on the home page."""

    slug = models.SlugField(_("address name"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.CITIZENS)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class LifeEvent(BaseModel):
    """A life event or business event (cv:Event) that groups the services a person needs at that moment."""

    slug = models.SlugField(_("address name"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind.choices, default=EventKind.LIFE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class PublicService(BaseModel):
    """A public service (cpsv:PublicService) and its editorial state."""

    identifier = models.CharField(_("identifier"), max_length=64, unique=True, validators=[identifier_validator])
    slug = models.SlugField(_("address name"), max_length=120, unique=True)
    title = models.CharField(_("title"), max_length=255)
    summary = models.CharField(_("summary"), max_length=300, help_text=_("One plain sentence for lists."))
    description = models.TextField(_("description"), help_text=_("Plain language: what the service is for."))
    keywords = models.CharField(
        _("keywords"), max_length=500, blank=True, help_text=_("Comma-separated words people search with.")
    )
    sector = models.ForeignKey(
        Sector,
        verbose_name=_("sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
    )
    for_citizens = models.BooleanField(_("for citizens"), default=True)
    for_businesses = models.BooleanField(_("for businesses"), default=False)
    competent_authority = models.ForeignKey(
        Organisation, verbose_name=_("competent authority"), on_delete=models.PROTECT, related_name="services"
    )
    eligibility = models.TextField(_("who can use it"), blank=True)
    output = models.TextField(_("what you receive"), blank=True)
    cost_kind = models.CharField(_("cost"), max_length=20, choices=CostKind.choices, default=CostKind.FREE)
    cost_amount = models.BigIntegerField(
        _("fee in kopiyky"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("For a fixed fee: the amount in kopiyky (1 hryvnia = 100 kopiyky)."),
    )
    cost_currency = models.CharField(_("currency"), max_length=3, default="UAH")
    cost_note = models.TextField(_("about the cost"), blank=True)
    processing_days = models.PositiveSmallIntegerField(
        _("processing time in working days"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
        help_text=_("Statutory maximum; 0 means on the day. Leave empty when the law sets no term."),
    )
    processing_note = models.TextField(_("about the processing time"), blank=True)
    minimum_assurance = models.PositiveSmallIntegerField(
        _("level of assurance needed to apply online"),
        choices=Assurance.choices,
        default=Assurance.SUBSTANTIAL,
        help_text=_("How sure the portal must be of the applicant's identity (eIDAS): low, substantial or high."),
    )
    related_services = models.ManyToManyField("self", verbose_name=_("related services"), blank=True)
    life_events = models.ManyToManyField(LifeEvent, verbose_name=_("life events"), blank=True, related_name="services")
    popularity = models.PositiveIntegerField(
        _("popularity"), default=0, help_text=_("Higher numbers are listed first among popular services.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=PublicationStatus.choices, default=PublicationStatus.DRAFT
    )
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    last_reviewed_on = models.DateField(_("last reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("public service")
        verbose_name_plural = _("public services")
        ordering = ["title"]
        permissions = [("publish_publicservice", _("Can review and publish public services"))]
        # The search index's freshness stamp reads MAX(updated_at) on every search.
        indexes = [models.Index(fields=["updated_at"], name="service_updated_at_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(for_citizens=True) | Q(for_businesses=True), name="service_has_audience"
            ),
            models.CheckConstraint(
                condition=(Q(cost_kind="fixed", cost_amount__gte=0) | ~Q(cost_kind="fixed")),
                name="fixed_cost_has_amount",
            ),
            models.CheckConstraint(
                condition=(Q(cost_amount__isnull=True) | Q(cost_amount__gte=0)), name="cost_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def audiences(self) -> list[str]:
        return [
            a for a, on in ((Audience.CITIZENS, self.for_citizens), (Audience.BUSINESSES, self.for_businesses)) if on
        ]

    def clean(self) -> None:
        errors = {}
        if not (self.for_citizens or self.for_businesses):
            errors["for_citizens"] = _("Choose at least one audience: citizens, businesses or both.")
        if self.cost_kind == CostKind.FIXED and self.cost_amount is None:
            errors["cost_amount"] = _("Enter the fee in kopiyky for a fixed fee.")
        if self.cost_kind == CostKind.FREE and self.cost_amount:
            errors["cost_amount"] = _("A free service has no fee; clear the amount or change the cost type.")
        if self.cost_kind == CostKind.VARIABLE and not (self.cost_note or "").strip():
            errors["cost_note"] = _("Explain what the cost depends on.")
        if errors:
            raise ValidationError(errors)


class LegalResource(models.Model):
    """A law or regulation the service rests on (eli:LegalResource)."""

    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="legal_resources")
    title = models.CharField(_("title"), max_length=300)
    url = models.URLField(_("link to the text"), max_length=500, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal basis")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.title


class Evidence(models.Model):
    """A document the applicant needs (cv:Evidence)."""

    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="evidence")
    name = models.CharField(_("document"), max_length=300)
    description = models.TextField(_("details"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("required document")
        verbose_name_plural = _("required documents")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Channel(models.Model):
    """One way to get the service (cv:Channel): online, in person, phone, post or SMS, with how to use it."""

    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="channels")
    kind = models.CharField(_("channel"), max_length=20, choices=ChannelKind.choices)
    instructions = models.TextField(_("how to use it"))
    url = models.URLField(_("web address"), max_length=500, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [models.UniqueConstraint(fields=["service", "kind"], name="one_channel_of_each_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()


class ContactPoint(models.Model):
    """Where to ask about the service (schema:ContactPoint), with opening hours."""

    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="contact_points")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    url = models.URLField(_("web address"), blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")

    def __str__(self) -> str:
        return self.name


class ServiceRevision(models.Model):
    """One saved state of a service in the editorial workflow: who, when, what changed."""

    service = models.ForeignKey(PublicService, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(_("revision"))
    status = models.CharField(_("status"), max_length=20, choices=PublicationStatus.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    changed_fields = models.JSONField(_("what changed"), default=list)
    snapshot = models.JSONField(default=dict)
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    reviewers_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["service", "number"], name="unique_revision_number")]

    def __str__(self) -> str:
        return f"{self.service} #{self.number}"


class ServiceCentre(BaseModel):
    """An office where people apply in person (an administrative service centre, a migration office...)."""

    slug = models.SlugField(_("address name"), max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=255)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("run by"), on_delete=models.PROTECT, related_name="centres"
    )
    region = models.CharField(_("region"), max_length=100)
    city = models.CharField(_("city"), max_length=100)
    street_address = models.CharField(_("street address"), max_length=255)
    postcode = models.CharField(
        _("postcode"),
        max_length=5,
        blank=True,
        validators=[RegexValidator(r"^\d{5}$", _("A postcode has 5 digits."))],
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=8,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    step_free_access = models.BooleanField(_("step-free entrance"), default=False)
    accessible_toilet = models.BooleanField(_("accessible toilet"), default=False)
    hearing_loop = models.BooleanField(_("hearing loop"), default=False)
    accessible_parking = models.BooleanField(_("parking for disabled people"), default=False)
    accessibility_notes = models.TextField(_("accessibility of the building"), blank=True)
    closed_on_public_holidays = models.BooleanField(_("closed on public holidays"), default=True)
    services = models.ManyToManyField(
        PublicService, verbose_name=_("services offered"), blank=True, related_name="centres"
    )

    class Meta:
        verbose_name = _("service centre")
        verbose_name_plural = _("service centres")
        ordering = ["city", "name"]

    def __str__(self) -> str:
        return self.name


def _time_order_errors(opens, closes, break_starts, break_ends) -> dict:
    errors = {}
    if opens and closes and opens >= closes:
        errors["closes"] = _("Closing time must be later than opening time.")
    if bool(break_starts) != bool(break_ends):
        errors["break_ends"] = _("Enter both the start and the end of the break, or neither.")
    elif break_starts and break_ends:
        if break_starts >= break_ends:
            errors["break_ends"] = _("The break must end after it starts.")
        elif opens and closes and not (opens < break_starts and break_ends < closes):
            errors["break_starts"] = _("The break must fall within opening hours.")
    return errors


class OpeningHours(models.Model):
    """The regular hours of a centre on one weekday, with an optional break."""

    centre = models.ForeignKey(ServiceCentre, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))
    break_starts = models.TimeField(_("break starts"), null=True, blank=True)
    break_ends = models.TimeField(_("break ends"), null=True, blank=True)

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["weekday"]
        constraints = [
            models.UniqueConstraint(fields=["centre", "weekday"], name="one_opening_per_weekday"),
            models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="opens_before_closes"),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"

    def clean(self) -> None:
        errors = _time_order_errors(self.opens, self.closes, self.break_starts, self.break_ends)
        if errors:
            raise ValidationError(errors)


class SpecialDay(models.Model):
    """A date on which a centre keeps other hours or is closed (beyond public holidays)."""

    centre = models.ForeignKey(ServiceCentre, on_delete=models.CASCADE, related_name="special_days")
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("closed all day"), default=True)
    opens = models.TimeField(_("opens"), null=True, blank=True)
    closes = models.TimeField(_("closes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("special day")
        verbose_name_plural = _("special days")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["centre", "date"], name="one_special_day_per_date")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d}"

    def clean(self) -> None:
        if self.closed:
            return
        if not (self.opens and self.closes):
            raise ValidationError({"opens": _("Enter the opening and closing time, or mark the day as closed.")})
        errors = _time_order_errors(self.opens, self.closes, None, None)
        if errors:
            raise ValidationError(errors)
