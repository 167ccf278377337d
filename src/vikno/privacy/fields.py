"""Model fields that keep personal data encrypted at rest (see privacy/crypto.py), and their blind indexes.

Model code reads and writes plain values; the database only ever holds ciphertext. An encrypted column can
only be asked whether it is empty: any other lookup would compare ciphertexts (which differ on every write) and
silently find nothing, so it is refused. Exact matches go through a ``BlindIndexField`` beside the column.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import forms
from django.core import validators
from django.core.exceptions import FieldError, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.lookups import Exact, IsNull
from django.utils.translation import gettext_lazy as _

from vikno.privacy import crypto


class EmptyOnlyExact(Exact):
    """``field=""`` (or None) is allowed, because emptiness is stored as itself; any other value is refused."""

    def get_prep_lookup(self):
        if self.rhs not in ("", None):
            raise FieldError(
                f"{self.lhs.target.model._meta.label}.{self.lhs.target.name} is encrypted: "
                "look it up through its blind index"
            )
        return super().get_prep_lookup()


class EncryptedField(models.TextField):
    """A value kept as ciphertext in a text column. Subclasses say how the value becomes text and back."""

    empty_value: Any = ""

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        # The column's name is bound into the ciphertext: a value moved to another column does not decrypt.
        self.purpose = f"{cls._meta.label_lower}.{name}"

    def get_lookup(self, lookup_name):
        if lookup_name == "exact":
            return EmptyOnlyExact
        if lookup_name == "isnull":
            return IsNull
        return None

    def get_transform(self, name):
        return None

    # Python value <-> plain text
    def to_plain(self, value: Any) -> str:
        return str(value)

    def from_plain(self, text: str) -> Any:
        return text

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        if value == "":
            return self.empty_value
        return self.from_plain(crypto.decrypt_text(value, purpose=self.purpose))

    def get_prep_value(self, value):
        if value is None:
            return None
        if value == "" or value == self.empty_value:
            return ""
        return crypto.encrypt_text(self.to_plain(value), purpose=self.purpose)

    def to_python(self, value):
        return value

    def value_to_string(self, obj):
        return self.to_plain(self.value_from_object(obj))


class EncryptedTextField(EncryptedField):
    """Text (a taxpayer number, a phone, a document's number). ``max_length`` is checked, not stored."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.max_length is not None:
            self.validators.append(validators.MaxLengthValidator(self.max_length))

    def to_python(self, value):
        return value if isinstance(value, str) or value is None else str(value)

    def formfield(self, **kwargs):
        return forms.CharField(
            label=self.verbose_name,
            required=not self.blank,
            max_length=self.max_length,
            help_text=self.help_text,
            **kwargs,
        )


class EncryptedDateField(EncryptedField):
    """A date (of birth): ISO text inside, a ``datetime.date`` outside."""

    # What django-stubs' mypy plugin reads for the attribute's type (annotations only: nothing at run time).
    _pyi_private_set_type: dt.date | str | None  # type: ignore[assignment]
    _pyi_private_get_type: dt.date | None  # type: ignore[assignment]

    empty_value = None

    def to_plain(self, value: Any) -> str:
        return self.to_python(value).isoformat()

    def from_plain(self, text: str) -> dt.date:
        return dt.date.fromisoformat(text)

    def to_python(self, value):
        if value in (None, "") or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value or None
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(_("Enter a valid date."), code="invalid") from None

    def formfield(self, **kwargs):
        return forms.DateField(label=self.verbose_name, required=not self.blank, help_text=self.help_text, **kwargs)


class EncryptedJSONField(EncryptedField):
    """JSON (an application's answers): serialised, then encrypted whole."""

    _pyi_private_set_type: Any
    _pyi_private_get_type: Any

    empty_value = None

    def to_plain(self, value: Any) -> str:
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))

    def from_plain(self, text: str) -> Any:
        return json.loads(text)

    def get_prep_value(self, value):
        # An empty dict is a value, not emptiness: encrypt it too (only None is stored as NULL).
        if value is None:
            return None
        return crypto.encrypt_text(self.to_plain(value), purpose=self.purpose)

    def formfield(self, **kwargs):
        return forms.JSONField(label=self.verbose_name, required=not self.blank, **kwargs)


class BlindIndexField(models.CharField):
    """The keyed index of another field's exact value, recomputed from it whenever the row is saved."""

    def __init__(self, *args, source: str, **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, private_only=False):
        super().contribute_to_class(cls, name, private_only=private_only)
        self.index_purpose = f"{cls._meta.label_lower}.{self.source}"

    def pre_save(self, model_instance, add):
        value = self.index_of(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value

    def index_of(self, plain: Any) -> str:
        return crypto.blind_index(str(plain or "").strip(), purpose=self.index_purpose)


def blind_index_for(model: type[models.Model], field_name: str, value: str) -> str:
    """The index to look a value up by: ``Model.objects.filter(<field>_index=blind_index_for(Model, field, v))``."""
    return crypto.blind_index(str(value or "").strip(), purpose=f"{model._meta.label_lower}.{field_name}")


class BlindIndexedModel(models.Model):
    """A model with blind indexes: a save of some fields (``update_fields``) also saves their indexes."""

    class Meta:
        abstract = True

    def save(self, *args, update_fields=None, **kwargs):
        if update_fields is not None:
            update_fields = list(update_fields)
            for field in self._meta.concrete_fields:
                if isinstance(field, BlindIndexField) and field.source in update_fields:
                    update_fields.append(field.name)
        super().save(*args, update_fields=update_fields, **kwargs)
