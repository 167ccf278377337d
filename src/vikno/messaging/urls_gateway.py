"""Callbacks of the SMS gateway: outside the language prefixes, as the gateway's configuration names them."""

from django.urls import path

from vikno.messaging import gateway

app_name = "sms"

urlpatterns = [
    path("sms/kannel/delivery", gateway.kannel_delivery, name="kannel-delivery"),
    path("sms/kannel/incoming", gateway.kannel_incoming, name="kannel-incoming"),
]
