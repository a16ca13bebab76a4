"""Parallel test workers keep apart: their own Redis database, queue and media folder."""

import os

from django.conf import settings


def test_each_xdist_worker_has_its_own_redis_database_queue_and_media():
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    index = int(worker[2:])
    if settings.REDIS_URL:
        assert settings.REDIS_URL.endswith(f"/{15 - index}")
    assert f"test-{worker}" == settings.CELERY_TASK_DEFAULT_QUEUE
    assert str(settings.MEDIA_ROOT).endswith(f"/var/test/{worker}/media")
