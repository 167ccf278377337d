from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "vikno.audit"
    label = "audit"
    verbose_name = _("Audit trail")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from vikno.audit.guards import register_sqlite_function

        # SQLite's append-only triggers call a function of the connection (see guards.py).
        connection_created.connect(register_sqlite_function, dispatch_uid="vikno.audit.sqlite_function")
