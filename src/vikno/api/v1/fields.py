"""Serializer fields shared by the resources: text in every portal language, and clock times."""

from django.conf import settings
from drf_spectacular.utils import extend_schema_field
from modeltranslation.utils import build_localized_fieldname
from rest_framework import serializers

LANGUAGE_CODES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)


class TranslatedTextSerializer(serializers.Serializer):
    """The shape of a translated text in the schema: one member per portal language, null when missing."""

    def get_fields(self):
        return {
            code: serializers.CharField(
                read_only=True,
                allow_null=True,
                help_text=f"The text in language '{code}'; null when missing.",
            )
            for code in LANGUAGE_CODES
        }


@extend_schema_field(TranslatedTextSerializer)
class TranslatedField(serializers.Field):
    """A field kept per language by django-modeltranslation, shown as ``{"uk": "...", "en": "..."}``.

    The model's ``<name>_<code>`` columns are read directly, without fallback, so that a client can tell a
    missing translation (null) from a translated one.
    """

    def __init__(self, field_name: str = "", **kwargs):
        self.model_field_name = field_name
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        if not self.model_field_name:
            self.model_field_name = field_name

    def to_representation(self, value):
        return {
            code: getattr(value, build_localized_fieldname(self.model_field_name, code)) or None
            for code in LANGUAGE_CODES
        }


@extend_schema_field({"type": "string", "pattern": r"^\d{2}:\d{2}$", "example": "09:00"})
class ClockTimeField(serializers.TimeField):
    """A local time of day as ``HH:MM`` (Europe/Kyiv wall-clock time)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        kwargs["read_only"] = True
        super().__init__(**kwargs)


class _BlankAsNullMixin:
    """An optional plain value: stored blank, shown as null."""

    def __init__(self, **kwargs):
        kwargs["allow_null"] = True
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return str(value) if value else None


class OptionalCharField(_BlankAsNullMixin, serializers.CharField):
    pass


class OptionalURLField(_BlankAsNullMixin, serializers.URLField):
    pass


class OptionalEmailField(_BlankAsNullMixin, serializers.EmailField):
    pass
