from django.urls import path

from vikno.identity.views import cabinet, eid

app_name = "identity"

urlpatterns = [
    path("sign-in/", eid.sign_in_page, name="sign-in"),
    path("sign-out/", cabinet.sign_out, name="sign-out"),
    path("cabinet/", cabinet.cabinet, name="cabinet"),
]
