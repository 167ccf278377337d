"""What identity's admin pages share: the official's scope worked out once per request, the permission checks
(a Django permission from the role's group, and a role that reaches someone), and the page asking for a reason
before a service deactivates or revokes."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from vikno.identity import mandates, officials


def administered(request) -> set | None:
    """The organisations whose officials the official administers (None: all). Asked many times a page, so
    worked out once per request."""
    if not hasattr(request, "_vikno_administered"):
        request._vikno_administered = officials.administered_organisation_ids(request.user)
    return request._vikno_administered


def administers(request, codename: str) -> bool:
    """The Django permission (from the role's group) and a role that gives the official someone to administer."""
    if not request.user.has_perm(f"identity.{codename}"):
        return False
    ids = administered(request)
    return ids is None or bool(ids)


def registers_mandates(request, codename: str) -> bool:
    if not request.user.has_perm(f"identity.{codename}"):
        return False
    if not hasattr(request, "_vikno_registers_mandates"):
        request._vikno_registers_mandates = mandates.can_register_mandates(request.user)
    return request._vikno_registers_mandates


def saved_as(obj, saved) -> None:
    """Make the admin's unsaved instance stand for the row a service wrote (the admin then logs and redirects)."""
    for field in saved._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": _("Enter the reason.")},
    )


def reason_page(model_admin, request, obj, *, title: str, button: str, done: str, act):
    """A confirmation page asking why; on POST calls `act(reason)` (a service) and returns to the object."""
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            act(form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)  # errors keyed "reason" land on the field, others above the form
        except PermissionDenied as error:
            form.add_error(None, str(error))
        else:
            model_admin.message_user(request, done, messages.SUCCESS)
            opts = model_admin.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "original": obj,
        "title": title,
        "button": button,
        "form": form,
    }
    return TemplateResponse(request, "admin/identity/reason_form.html", context, status=400 if form.errors else 200)
