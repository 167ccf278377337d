"""What the public sends to the verification pages: a code, or a PDF file. Bad input is a 400 with an error
summary."""

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from vikno.documents import codes
from vikno.documents.verification import looks_like_pdf

CODE_EXAMPLE = "K7QF-3MHP-2W9J"
MAX_CODE_INPUT = 40


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=MAX_CODE_INPUT,
        error_messages={
            "required": _("Enter the verification code"),
            "max_length": _("A verification code has 12 letters and digits; check what you entered"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _(
            "12 letters and digits at the bottom of the document, for example %(example)s"
        ) % {"example": CODE_EXAMPLE}

    def clean_code(self) -> str:
        code = codes.normalise(self.cleaned_data["code"])
        if len(code) != codes.LENGTH:
            raise forms.ValidationError(
                _("A verification code has 12 letters and digits; check what you entered"), code="length"
            )
        if any(char not in codes.ALPHABET for char in code):
            raise forms.ValidationError(
                _(
                    "A verification code never has the characters 0, 1, O, I, L, U or Z; check the characters "
                    "against the document"
                ),
                code="characters",
            )
        if not codes.is_valid(code):
            raise forms.ValidationError(
                _(
                    "This code is not right: a character was probably mistyped. "
                    "Check the characters against the document"
                ),
                code="check",
            )
        return code


class UploadForm(forms.Form):
    document = forms.FileField(
        label=_("The document as a PDF file"),
        error_messages={
            "required": _("Choose the PDF file of the document"),
            "empty": _("The file you chose is empty"),
            "invalid": _("Choose the PDF file of the document"),
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _("The file you received from the portal, up to %(size)s") % {
            "size": filesizeformat(settings.VIKNO_VERIFY_MAX_BYTES)
        }

    def clean_document(self) -> bytes:
        upload = self.cleaned_data["document"]
        limit = settings.VIKNO_VERIFY_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is larger than %(size)s: a document from the portal is much smaller")
                % {"size": filesizeformat(limit)},
                code="too_large",
            )
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise forms.ValidationError(
                _("The file is larger than %(size)s: a document from the portal is much smaller")
                % {"size": filesizeformat(limit)},
                code="too_large",
            )
        if not looks_like_pdf(data):
            raise forms.ValidationError(_("The file is not a PDF: choose the PDF file of the document"), code="not_pdf")
        return data
