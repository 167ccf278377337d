from django.urls import path

from vikno.identity.views import (
    account,
    acting,
    activation,
    cabinet,
    confirm,
    eid,
    passkeys,
    password_reset,
    phone,
    security,
)

app_name = "identity"

CITIZEN = {"kind": account.CITIZEN}
OFFICIAL = {"kind": account.OFFICIAL}

urlpatterns = [
    path("sign-in/", eid.sign_in_page, name="sign-in"),
    path("sign-in/higher-level/", eid.step_up, name="step-up"),
    path("sign-out/", cabinet.sign_out, name="sign-out"),
    path("cabinet/", cabinet.cabinet, name="cabinet"),
    path("cabinet/security/", security.security, name="security"),
    path("cabinet/security/end-session/", security.end_session, name="end-session"),
    path("cabinet/security/end-other-sessions/", security.end_other_sessions, name="end-other-sessions"),
    path("cabinet/security/recovery-codes/", security.new_recovery_codes, name="new-recovery-codes"),
    path("cabinet/security/authenticator/", security.replace_authenticator, name="replace-authenticator"),
    path("cabinet/notifications/", security.notifications, name="notifications"),
    path("cabinet/confirm-its-you/", confirm.confirm, name="confirm"),
    path("office/confirm-its-you/", confirm.office_confirm, name="office-confirm"),
    path("cabinet/phone/", phone.phone, name="phone"),
    path("cabinet/phone/confirm/", phone.phone_confirm, name="phone-confirm"),
    # Portal accounts: e-mail, password and a second factor.
    path("account/register/", account.register, name="register"),
    path("account/check-email/", account.check_email, name="check-email"),
    path("account/verify/<str:token>/", account.verify_email, name="verify-email"),
    path("account/sign-in/", account.password_sign_in, CITIZEN, name="password-sign-in"),
    path("account/forgotten-password/", password_reset.forgotten_password, name="forgotten-password"),
    path("account/reset/<str:uidb64>/<str:token>/", password_reset.reset_password, name="reset-password"),
    path("account/sign-in/code/", account.second_factor, CITIZEN, name="second-factor"),
    path("account/sign-in/set-up/", account.enrol_totp, CITIZEN, name="enrol-totp"),
    path("account/sign-in/recovery/", account.recovery_sign_in, CITIZEN, name="recovery-sign-in"),
    # Officials: their own sign-in pages; the second factor is mandatory.
    path("office/sign-in/", account.password_sign_in, OFFICIAL, name="office-sign-in"),
    path("office/sign-in/code/", account.second_factor, OFFICIAL, name="office-second-factor"),
    path("office/sign-in/set-up/", account.enrol_totp, OFFICIAL, name="office-enrol-totp"),
    path("office/sign-in/recovery/", account.recovery_sign_in, OFFICIAL, name="office-recovery-sign-in"),
    # Acting for a business or a child under a mandate; a new official's invitation link.
    path("cabinet/acting-for/", acting.acting_for, name="acting-for"),
    path("office/activate/<str:uidb64>/<str:token>/", activation.activate, name="office-activate"),
    # Passkeys (WebAuthn): after the password, at first sign-in instead of an app, and on the security pages.
    path("account/sign-in/passkey/", passkeys.sign_in, CITIZEN, name="passkey-sign-in"),
    path("account/sign-in/passkey/options/", passkeys.sign_in_options, CITIZEN, name="passkey-sign-in-options"),
    path("account/sign-in/set-up/passkey/", passkeys.enrol, CITIZEN, name="passkey-enrol"),
    path("account/sign-in/set-up/passkey/options/", passkeys.enrol_options, CITIZEN, name="passkey-enrol-options"),
    path("office/sign-in/passkey/", passkeys.sign_in, OFFICIAL, name="office-passkey-sign-in"),
    path("office/sign-in/passkey/options/", passkeys.sign_in_options, OFFICIAL, name="office-passkey-sign-in-options"),
    path("office/sign-in/set-up/passkey/", passkeys.enrol, OFFICIAL, name="office-passkey-enrol"),
    path(
        "office/sign-in/set-up/passkey/options/", passkeys.enrol_options, OFFICIAL, name="office-passkey-enrol-options"
    ),
    path("cabinet/security/passkeys/add/", passkeys.add, name="passkey-add"),
    path("cabinet/security/passkeys/add/options/", passkeys.add_options, name="passkey-add-options"),
    path("cabinet/security/passkeys/remove/", passkeys.remove, name="passkey-remove"),
    path("office/security/passkeys/", passkeys.office_passkeys, name="office-passkeys"),
    path("office/security/passkeys/add/", passkeys.office_add, name="office-passkey-add"),
    path("office/security/passkeys/add/options/", passkeys.office_add_options, name="office-passkey-add-options"),
    path("office/security/passkeys/remove/", passkeys.office_remove, name="office-passkey-remove"),
]
