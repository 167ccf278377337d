"""The GOV.UK error-summary pattern for the admin.

Every error of the form and of its inlines, each linked to its field."""

from django import template

register = template.Library()


def _form_errors(form, *, prefix_label: str = "") -> list[dict]:
    items = []
    for name, errors in form.errors.items():
        if name == "__all__":
            for message in errors:
                items.append({"anchor": form.prefix or "content", "label": prefix_label, "message": message})
            continue
        field = form.fields.get(name)
        label = f"{prefix_label}{field.label}" if field is not None else prefix_label
        anchor = form[name].auto_id if field is not None else "content"
        for message in errors:
            items.append({"anchor": anchor, "label": label, "message": message})
    return items


@register.simple_tag
def error_summary(adminform, inline_admin_formsets) -> list[dict]:
    items = _form_errors(adminform.form) if adminform.form.is_bound else []
    for inline in inline_admin_formsets or []:
        formset = inline.formset
        if not formset.is_bound:
            continue
        name = str(inline.opts.verbose_name).capitalize()
        for index, form in enumerate(formset.forms, start=1):
            items.extend(_form_errors(form, prefix_label=f"{name} {index} — "))
        for message in formset.non_form_errors():
            items.append({"anchor": f"{formset.prefix}-group", "label": name, "message": message})
    return items
