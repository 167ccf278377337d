"""Forms of the way in. Messages never say whether an e-mail address has an account (no enumeration)."""

import re

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vikno.core import phone as phone_numbers
from vikno.identity.models import User

MAX_PASSWORD_LENGTH = 128  # NIST SP 800-63B: allow at least 64; past 128 is only a way to make hashing costly


class RegistrationForm(forms.Form):
    given_name = forms.CharField(label=_("First name"), max_length=150)
    family_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("E-mail address"), max_length=254, help_text=_("We will send a link to confirm it.")
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=MAX_PASSWORD_LENGTH,
        strip=False,
        help_text=_(
            "At least 12 characters. A phrase of several words is easy to remember and hard to guess. "
            "Common passwords are not accepted."
        ),
    )

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean() or {}
        password = cleaned.get("password")
        if password:
            probe = User(
                username=cleaned.get("email", ""),
                email=cleaned.get("email", ""),
                first_name=cleaned.get("given_name", ""),
                last_name=cleaned.get("family_name", ""),
            )
            try:
                password_validation.validate_password(password, probe)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return cleaned


class PasswordSignInForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    password = forms.CharField(label=_("Password"), max_length=MAX_PASSWORD_LENGTH, strip=False)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        max_length=MAX_PASSWORD_LENGTH,
        strip=False,
        error_messages={"required": _("Enter your password")},
    )


class CodeForm(forms.Form):
    """A six-digit code from an authenticator app."""

    code = forms.RegexField(
        label=_("Code from your authenticator app"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=12,
        help_text=_("The 6-digit code the app shows now."),
        error_messages={"invalid": _("Enter the 6 digits the app shows, for example 123456.")},
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "").strip()


class RecoveryCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Recovery code"),
        regex=r"^\s*[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}\s*$",
        max_length=20,
        help_text=_("One of the codes you saved when you set up your account, for example ab3d-9xk2."),
        error_messages={"invalid": _("Enter a recovery code in the form ab3d-9xk2.")},
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().replace("-", "").lower()


class NotificationPreferencesForm(forms.Form):
    notify_by_email = forms.BooleanField(label=_("By e-mail"), required=False)
    notify_by_sms = forms.BooleanField(label=_("By SMS"), required=False)
    language = forms.ChoiceField(
        label=_("Language of messages"), choices=settings.LANGUAGES, error_messages={"required": _("Choose a language")}
    )

    def __init__(self, *args, has_phone: bool, has_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_phone = has_phone
        self.has_email = has_email

    def clean(self):
        cleaned = super().clean() or {}
        if cleaned.get("notify_by_sms") and not self.has_phone:
            self.add_error("notify_by_sms", _("We have no phone number for you, so we cannot send SMS."))
        if cleaned.get("notify_by_email") and not self.has_email:
            self.add_error("notify_by_email", _("We have no e-mail address for you, so we cannot send e-mail."))
        return cleaned


class SetPasswordForm(forms.Form):
    """A new password, typed twice (an official's first one, or a citizen's after a reset)."""

    password = forms.CharField(
        label=_("New password"),
        max_length=MAX_PASSWORD_LENGTH,
        strip=False,
        help_text=_(
            "At least 12 characters. A phrase of several words is easy to remember and hard to guess. "
            "Common passwords and ones like your name or e-mail address are not accepted."
        ),
        error_messages={"required": _("Enter a password.")},
    )
    password_again = forms.CharField(
        label=_("Type the password again"),
        max_length=MAX_PASSWORD_LENGTH,
        strip=False,
        error_messages={"required": _("Type the password again.")},
    )

    def __init__(self, person: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean(self):
        cleaned = super().clean() or {}
        password, again = cleaned.get("password"), cleaned.get("password_again")
        if password:
            try:
                password_validation.validate_password(password, self.person)
            except ValidationError as error:
                self.add_error("password", error)
        if password and again and password != again:
            self.add_error("password_again", _("The two passwords are not the same."))
        return cleaned


class ForgottenPasswordForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class PhoneForm(forms.Form):
    phone = forms.CharField(
        label=_("Mobile phone number"),
        max_length=30,
        help_text=_("We will send a code to it by SMS. For example 067 123 45 67 or +380 67 123 45 67."),
        error_messages={"required": _("Enter your mobile phone number")},
    )

    def clean_phone(self) -> str:
        number = phone_numbers.normalise(self.cleaned_data["phone"])
        if not re.fullmatch(r"\+\d{10,15}", number):
            raise ValidationError(_("Enter a phone number, like 067 123 45 67 or +380 67 123 45 67"))
        return number


class PhoneCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Code from the SMS"),
        regex=r"^\s*\d{3}\s?\d{3}\s*$",
        max_length=12,
        error_messages={
            "required": _("Enter the code from the SMS"),
            "invalid": _("Enter the 6 digits from the SMS, for example 123456."),
        },
    )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].replace(" ", "").strip()
