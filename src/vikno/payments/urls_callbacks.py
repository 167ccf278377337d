from django.urls import path

from vikno.payments import callbacks

app_name = "payment-callbacks"

urlpatterns = [
    path("payments/liqpay/callback/", callbacks.liqpay_callback, name="liqpay"),
]
