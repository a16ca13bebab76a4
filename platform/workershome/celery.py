"""The Celery app. Tasks carry the union's schema (tenant-schemas-celery)."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workershome.settings.dev")

app = CeleryApp("workershome")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
