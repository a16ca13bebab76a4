"""The Elasticsearch client, from settings.

With ``ELASTICSEARCH_URL`` it talks to the real cluster. Without it, to the embedded engine
(``search.engine``), started on the first call. One client per process and URL: it is
thread-safe and keeps its connections.

The client sends ``application/vnd.elasticsearch+json; compatible-with=9``, which only
Elasticsearch understands; the embedded engine (OpenSearch-compatible) answers 406. The client
rewrites every ``application/json`` header it sets into that media type just before sending, so
a ``headers=`` option cannot turn it off; with ``SEARCH_PLAIN_JSON`` the connection node
(``PlainJsonNode``) puts the plain media types back on the wire, after serialisation.
"""

from __future__ import annotations

import threading
from typing import Any

from elastic_transport import HttpHeaders, Urllib3HttpNode
from elastic_transport._node._base import NodeApiResponse
from elastic_transport.client_utils import DEFAULT, DefaultType
from elasticsearch import Elasticsearch

from . import conf

_COMPAT = "application/vnd.elasticsearch+"
_clients: dict[tuple[str, bool], Elasticsearch] = {}
_lock = threading.Lock()
_embedded_url: str | None = None


def plain_media_type(value: str) -> str:
    """``application/vnd.elasticsearch+json; compatible-with=9`` → ``application/json``."""
    if _COMPAT not in value:
        return value
    kind = value.split(_COMPAT, 1)[1].split(";", 1)[0].strip()
    return f"application/{kind}"


class PlainJsonNode(Urllib3HttpNode):
    """A connection that sends plain ``application/json`` (and ``x-ndjson``) media types."""

    def perform_request(
        self,
        method: str,
        target: str,
        body: bytes | None = None,
        headers: HttpHeaders | None = None,
        request_timeout: DefaultType | float | None = DEFAULT,
    ) -> NodeApiResponse:
        if headers:
            headers = HttpHeaders(headers)
            for name in ("accept", "content-type"):
                value = headers.get(name)
                if value:
                    headers[name] = plain_media_type(value)
        return super().perform_request(
            method, target, body=body, headers=headers, request_timeout=request_timeout
        )


def engine_url() -> str:
    """The engine's URL: ``ELASTICSEARCH_URL``, or the embedded engine's (starting it)."""
    url = conf.elasticsearch_url()
    if url:
        return url
    global _embedded_url
    if _embedded_url is None:
        from .engine import embedded_engine_url

        _embedded_url = embedded_engine_url(conf.engine_dir())
    return _embedded_url


def search_client_reset() -> None:
    """Forget the embedded engine's address (after a connection error): the next call checks
    it again and starts a new engine if the old one is gone."""
    global _embedded_url
    _embedded_url = None


def client_for(url: str, *, plain_json: bool) -> Elasticsearch:
    key = (url, plain_json)
    client = _clients.get(key)
    if client is None:
        with _lock:
            client = _clients.get(key)
            if client is None:
                options: dict[str, Any] = {
                    "request_timeout": conf.timeout(),
                    "max_retries": 1,
                    "retry_on_timeout": False,
                }
                if plain_json:
                    options["node_class"] = PlainJsonNode
                client = Elasticsearch(url, **options)
                _clients[key] = client
    return client


def search_client() -> Elasticsearch:
    """The client for the configured engine (raises ``SearchUnavailable`` if it cannot start)."""
    from .engine import EngineStartError
    from .query import SearchUnavailable

    try:
        url = engine_url()
    except (EngineStartError, OSError) as exc:
        raise SearchUnavailable(str(exc)) from exc
    return client_for(url, plain_json=conf.plain_json())
