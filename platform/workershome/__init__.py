"""The Django project of the Workers' Home platform (职工之家平台)."""

from .celery import app as celery_app

__all__ = ["celery_app"]
