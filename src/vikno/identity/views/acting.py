"""The citizen chooses whom they act for: themselves, or the party of one of their mandates in force."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from vikno.core.access import citizen
from vikno.core.http import client_ip
from vikno.identity import mandates
from vikno.identity.acting import current_party, start_acting
from vikno.identity.models import Mandate

MYSELF = "myself"


class ActingForForm(forms.Form):
    party = forms.ChoiceField(
        label=_("Who are you acting for?"),
        error_messages={
            "required": _("Choose who you are acting for."),
            "invalid_choice": _("This mandate is no longer valid: it has been revoked or has expired."),
        },
    )

    def __init__(self, *args, active: list[Mandate], **kwargs):
        super().__init__(*args, **kwargs)
        self.active = {str(mandate.pk): mandate for mandate in active}
        self.fields["party"].choices = [  # type: ignore[attr-defined]
            (MYSELF, _("Myself")),
            *((key, m.party_name) for key, m in self.active.items()),
        ]

    def chosen(self) -> Mandate | None:
        return self.active.get(self.cleaned_data["party"])


@citizen
@never_cache
@require_http_methods(["GET", "POST"])
def acting_for(request: HttpRequest) -> HttpResponse:
    active = list(mandates.mandates_active_for(user=request.user))
    current = current_party(request)
    if request.method == "POST":
        choice = request.POST.get("party", "")
        if choice and choice != MYSELF:
            # Someone else's mandate (or none at all) is not found; an own one no longer in force is a form error.
            try:
                mandates.mandate_get_for_representative(user=request.user, mandate_id=choice)
            except Mandate.DoesNotExist as error:
                raise Http404 from error
        form = ActingForForm(request.POST, active=active)
        if form.is_valid():
            chosen = form.chosen()
            if chosen != current:
                try:
                    mandates.acting_for_change(
                        representative=request.user,  # type: ignore[arg-type]
                        mandate=chosen,
                        previous_mandate_id=str(current.pk) if current else "",
                        source_ip=client_ip(request),
                    )
                except ValidationError as error:
                    form.add_error("party", error)
            if not form.errors:
                start_acting(request, chosen)
                return redirect("identity:cabinet")
    else:
        form = ActingForForm(initial={"party": str(current.pk) if current else MYSELF}, active=active)
    selected = form["party"].value() or ""
    options = [
        {"value": MYSELF, "label": _("Myself"), "hint": request.user.full_name}  # type: ignore[union-attr]
    ] + [{"value": str(m.pk), "label": m.party_name, "mandate": m} for m in active]
    first_id = form["party"].auto_id
    for number, option in enumerate(options, start=1):
        option["id"] = first_id if number == 1 else f"{first_id}-{number}"
        option["checked"] = selected == option["value"]
    return render(
        request,
        "identity/acting_for.html",
        {"form": form, "options": options},
        status=400 if form.errors else 200,
    )
