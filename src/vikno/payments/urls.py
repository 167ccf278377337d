from django.urls import path

from vikno.payments import views

app_name = "payments"

urlpatterns = [
    path("cabinet/applications/<uuid:application_id>/pay/", views.pay, name="pay"),
    path("cabinet/applications/<uuid:application_id>/pay/card/", views.pay_by_card, name="pay-by-card"),
    path("cabinet/applications/<uuid:application_id>/pay/returned/", views.returned, name="returned"),
    path("cabinet/payments/", views.mine, name="mine"),
    path("cabinet/payments/<uuid:payment_id>/receipt.pdf", views.receipt, name="receipt"),
]
