from django.urls import path

from vikno.identity import views

app_name = "identity"

urlpatterns = [
    path("sign-in/", views.sign_in_page, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("cabinet/", views.cabinet, name="cabinet"),
]
