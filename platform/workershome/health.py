"""Probes and metrics for the orchestrator, answered before a union is chosen by host.

Kubernetes probes and Prometheus call a pod by its IP address, which is no union's host: the
tenant middleware would answer them with the unknown-host page. ``ProbeMiddleware`` runs first
and answers three paths itself, on any host:

- ``/healthz`` (liveness): the process serves requests. It checks nothing else, so that an
  outage of the database does not make the orchestrator restart every web pod at once.
- ``/readyz`` (readiness): the database, Redis and, when configured, Elasticsearch answer
  within a second; otherwise 503 naming what failed, and the pod gets no traffic. It also
  reports ``backlog``: work kept while a dependency was down (``search_pending``: search
  indexing waiting for the engine). A backlog never makes the pod unready.
- ``/metrics``: Prometheus metrics (django-prometheus), only with ``Authorization: Bearer
  <METRICS_TOKEN>``; without a configured token the path does not exist.
"""

from __future__ import annotations

import contextlib
import hmac
import time
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse

CHECK_TIMEOUT_SECONDS = 1.0


def _check_database() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = 1000")
        cursor.execute("SELECT 1")


def _check_redis() -> None:
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_connect_timeout=CHECK_TIMEOUT_SECONDS, socket_timeout=CHECK_TIMEOUT_SECONDS
    )
    try:
        client.ping()
    finally:
        client.close()


def _check_search() -> None:
    import urllib.request

    url = settings.ELASTICSEARCH_URL.rstrip("/") + "/_cluster/health?timeout=1s"
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"}:
        raise ValueError("ELASTICSEARCH_URL must be http(s)")
    with urllib.request.urlopen(url, timeout=CHECK_TIMEOUT_SECONDS) as response:
        if response.status != 200:
            raise ConnectionError(f"status {response.status}")


def readiness_checks() -> dict[str, Callable[[], None]]:
    """The dependencies this deployment has: the embedded default has no Redis or search."""
    checks: dict[str, Callable[[], None]] = {"database": _check_database}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis
    if getattr(settings, "ELASTICSEARCH_URL", ""):
        checks["search"] = _check_search
    return checks


def readiness() -> tuple[bool, dict[str, dict]]:
    results: dict[str, dict] = {}
    for name, check in readiness_checks().items():
        started = time.perf_counter()
        try:
            check()
        except Exception as error:  # any failure means "not ready"; the class name says which
            results[name] = {"ok": False, "error": type(error).__name__}
        else:
            results[name] = {"ok": True}
        results[name]["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return all(result["ok"] for result in results.values()), results


def backlog() -> dict[str, int]:
    """Work waiting for a dependency that was down, for operators; a count that cannot be
    read (the database is down) is left out."""
    from search.pending import pending_count

    found: dict[str, int] = {}
    with contextlib.suppress(Exception):
        found["search_pending"] = pending_count(timeout_ms=int(CHECK_TIMEOUT_SECONDS * 1000))
    return found


def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    ready, results = readiness()
    body: dict[str, object] = {"status": "ok" if ready else "unavailable", "checks": results}
    if results.get("database", {}).get("ok"):
        body["backlog"] = backlog()
    return JsonResponse(body, status=200 if ready else 503)


def metrics(request: HttpRequest) -> HttpResponse:
    token = getattr(settings, "METRICS_TOKEN", "")
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        raise Http404
    from django_prometheus.exports import ExportToDjangoView

    return ExportToDjangoView(request)


PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {
    "/healthz": healthz,
    "/readyz": readyz,
    "/metrics": metrics,
}


class ProbeMiddleware:
    """First in the chain: probes and metrics on any host (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info.rstrip("/") or "/")
        if probe is None or request.method not in {"GET", "HEAD"}:
            return self.get_response(request)
        try:
            response = probe(request)
        except Http404:
            response = HttpResponse(status=404)
        response["Cache-Control"] = "no-store"
        return response
