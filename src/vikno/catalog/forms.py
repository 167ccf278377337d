"""Forms that parse what the public sends in query strings.

Invalid input becomes a 400 with an error summary."""

from django import forms
from django.utils.translation import gettext_lazy as _

from vikno.catalog.constants import Audience

MAX_QUERY_LENGTH = 200


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for a service"),
        required=False,
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": _("Enter a search of %(limit_value)d characters or fewer.")},
    )
    audience = forms.ChoiceField(label=_("For"), required=False, choices=[("", _("Everyone")), *Audience.choices])


class CentreFinderForm(forms.Form):
    region = forms.ChoiceField(label=_("Region"), required=False)
    city = forms.ChoiceField(label=_("City or town"), required=False)

    def __init__(self, *args, regions: list[str], cities: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        region, city = self.fields["region"], self.fields["city"]
        assert isinstance(region, forms.ChoiceField) and isinstance(city, forms.ChoiceField)
        region.choices = [("", _("All regions")), *((r, r) for r in regions)]
        city.choices = [("", _("All cities and towns")), *((c, c) for c in cities)]


class NearestCentreForm(forms.Form):
    near = forms.ChoiceField(label=_("Where are you?"), required=False)

    def __init__(self, *args, cities: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        near = self.fields["near"]
        assert isinstance(near, forms.ChoiceField)
        near.choices = [("", _("Choose your city or town")), *((c, c) for c in cities)]
