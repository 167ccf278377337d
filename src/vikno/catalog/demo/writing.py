"""Writing rows: validated, created or updated only where they differ; child rows replaced only when they differ."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models

from vikno.catalog.demo.reading import DemoDataError

# The child rows of each parent, compared field by field (in primary-key order) to decide whether to replace.
CHILD_FIELDS: dict[str, tuple[str, ...]] = {
    "legal_resources": ("title_uk", "title_en", "url", "position"),
    "evidence": ("name_uk", "name_en", "description_uk", "description_en", "position"),
    "channels": ("kind", "instructions_uk", "instructions_en", "url", "phone"),
    "contact_points": ("name_uk", "name_en", "email", "phone", "url", "opening_hours_uk", "opening_hours_en"),
    "opening_hours": ("weekday", "opens", "closes", "break_starts", "break_ends"),
    "special_days": ("date", "closed", "opens", "closes", "note_uk", "note_en"),
}


@dataclass
class LoadSummary:
    """What is in the database after loading, and what this run had to write."""

    counts: dict[str, int] = field(default_factory=dict)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    replaced: Counter = field(default_factory=Counter)

    @property
    def writes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values()) + sum(self.replaced.values())

    def line(self) -> str:
        c = self.counts
        return (
            f"Demo catalogue: {c['organisations']} organisations, {c['sectors']} sectors, "
            f"{c['life_events']} life events, {c['services']} services from {c['authorities']} authorities, "
            f"{c['centres']} service centres in {c['cities']} cities; this run created "
            f"{sum(self.created.values())}, updated {sum(self.updated.values())} and rewrote the details of "
            f"{sum(self.replaced.values())} rows."
        )


def _validate(obj: models.Model, where: str, *, child_of: str = "") -> None:
    """Run the model's field checks and ``clean()``. Database constraints are left to the database (checking
    them in Python costs a query each); for a child row, so are its parent link and uniqueness, which the
    loader builds correct."""
    try:
        if child_of:
            obj.full_clean(exclude=[child_of], validate_unique=False, validate_constraints=False)
        else:
            obj.full_clean(validate_constraints=False)
    except ValidationError as exc:
        raise DemoDataError(f"{where}: {exc.message_dict if hasattr(exc, 'error_dict') else exc.messages}") from exc


def _upsert(model: type[models.Model], lookup: dict, values: dict, summary: LoadSummary, where: str):
    """Create the row, or update only the fields that differ; return it."""
    label = model._meta.model_name or model.__name__
    obj = model._default_manager.filter(**lookup).first()
    if obj is None:
        obj = model(**lookup, **values)
        _validate(obj, where)
        obj.save()
        summary.created[label] += 1
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        _validate(obj, where)
        # modeltranslation keeps the original column equal to the default language: save it along.
        concrete = {f.name for f in model._meta.concrete_fields}
        originals = [name[:-3] for name in changed if name.endswith("_uk") and name[:-3] in concrete]
        update_fields = changed + originals + (["updated_at"] if "updated_at" in concrete else [])
        obj.save(update_fields=update_fields)
        summary.updated[label] += 1
    return obj


def _sync_children(parent: models.Model, related_name: str, rows: list[dict], summary: LoadSummary, where: str):
    """Make the parent's child rows equal to ``rows`` (same values, same order); touch nothing if they are."""
    fields = CHILD_FIELDS[related_name]
    for row in rows:
        if set(row) != set(fields):
            raise DemoDataError(f"{where}: {related_name} row has fields {sorted(row)}, expected {sorted(fields)}.")
    manager = getattr(parent, related_name)
    current = list(manager.order_by("pk").values(*fields))
    if current == rows:
        return
    manager.all().delete()
    model = manager.model
    fk_name = manager.field.name
    objs = []
    for number, row in enumerate(rows, start=1):
        obj = model(**{fk_name: parent}, **row)
        _validate(obj, f"{where}, {related_name} #{number}", child_of=fk_name)
        objs.append(obj)
    model._default_manager.bulk_create(objs)
    summary.replaced[related_name] += max(len(rows), 1)
