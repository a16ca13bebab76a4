"""The engine: the embedded one starts once and is reused, it needs plain JSON, and when the
engine is down search says so, indexing tasks retry and saving a record still works."""

from __future__ import annotations

import socket

import pytest
from django.test import override_settings
from django_tenants.utils import schema_context
from elasticsearch import ApiError

from search.client import client_for, search_client_reset
from search.engine import embedded_engine_stop, embedded_engine_url, engine_state
from search.indexing import SearchEngineError, documents_sync
from search.query import Audience, SearchUnavailable, search_run, search_suggest
from search.tasks import search_documents_sync
from tenants.mechanisms.models import PartnerOrganisation
from tests.search.conftest import PUBLIC_KIND

pytestmark = pytest.mark.django_db


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def engine_down(search_engine):
    search_client_reset()
    with override_settings(ELASTICSEARCH_URL=f"http://127.0.0.1:{closed_port()}", SEARCH_PLAIN_JSON=True):
        yield
    search_client_reset()


def test_search_and_suggestions_say_unavailable_when_the_engine_is_down(engine_down):
    with pytest.raises(SearchUnavailable) as raised:
        search_run(text="调解", audience=Audience.portal())
    assert raised.value.message == "搜索暂不可用，请稍后再试。"
    with pytest.raises(SearchUnavailable):
        search_suggest(prefix="调解", audience=Audience.portal())


def test_saving_still_works_and_the_indexing_task_retries_when_the_engine_is_down(
    engine_down, test_sources, union_a, django_capture_on_commit_callbacks
):
    from celery.exceptions import Retry

    with schema_context(union_a.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            partner = PartnerOrganisation.objects.create(name="引擎停机时保存的组织")
        assert PartnerOrganisation.objects.filter(pk=partner.pk).exists()

        with pytest.raises(SearchEngineError):
            documents_sync(items=[(PUBLIC_KIND, str(partner.pk))])
        with pytest.raises(Retry):  # an eager run raises the retry; a worker re-queues it with backoff
            search_documents_sync.apply(kwargs={"items": [[PUBLIC_KIND, str(partner.pk)]]})
    assert search_documents_sync.autoretry_for == (
        SearchEngineError,
        __import__("django.db").db.DatabaseError,
    )
    assert search_documents_sync.retry_backoff is True and search_documents_sync.max_retries == 8


def test_the_embedded_engine_refuses_the_compatible_with_media_type_unless_plain_json(search_engine):
    if not search_engine or "ELASTICSEARCH_URL" in __import__("os").environ:
        pytest.skip("a real cluster accepts both")
    with pytest.raises(ApiError) as raised:
        client_for(search_engine, plain_json=False).count(query={"match_all": {}})
    assert raised.value.meta.status == 406
    assert client_for(search_engine, plain_json=True).count(query={"match_all": {}})["count"] >= 0


def test_the_embedded_engine_starts_once_and_is_reused_by_the_next_process(tmp_path):
    first = embedded_engine_url(tmp_path)
    try:
        state = engine_state(tmp_path)
        assert state is not None and state["url"] == first
        assert embedded_engine_url(tmp_path) == first  # reused, not started again
        assert client_for(first, plain_json=True).info()["version"]["number"]
    finally:
        assert embedded_engine_stop(tmp_path)
    assert engine_state(tmp_path) is None


def test_the_test_engine_folder_is_this_checkouts_and_this_workers():
    """Two checkouts (or two runs in one checkout with their own TEST_REDIS_DB) running the
    suite at once never share an engine's folder (nor, so, its process or port: the port is the
    kernel's choice and the process belongs to its folder)."""
    import hashlib
    import os
    from pathlib import Path

    from search import conf

    root = Path(__file__).resolve().parents[2]
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    run = f"{os.path.realpath(root)}\0{os.environ.get('TEST_REDIS_DB', '')}"
    assert (
        conf.engine_dir()
        == root / "var" / "test" / worker / f"search-{hashlib.sha1(run.encode()).hexdigest()[:10]}"
    )


def test_an_engine_of_another_folder_is_never_reused_or_stopped(tmp_path):
    """A state file copied from another checkout, or one whose pid now belongs to another
    process, does not make this folder use (or stop) that engine."""
    import json
    import os
    import shutil

    from search.engine import STATE_FILE

    ours, copied, reused_pid = tmp_path / "ours", tmp_path / "copied", tmp_path / "reused"
    first = embedded_engine_url(ours)
    second = None
    try:
        copied.mkdir()
        shutil.copy(ours / STATE_FILE, copied / STATE_FILE)
        assert engine_state(copied) is None
        assert not embedded_engine_stop(copied)  # the other folder's engine is left running
        second = embedded_engine_url(copied)
        assert second != first  # a new engine of its own, on another port

        reused_pid.mkdir()
        state = json.loads((ours / STATE_FILE).read_text())
        state.update(owner=os.path.realpath(reused_pid), pid=os.getpid())  # alive, not an engine of ours
        (reused_pid / STATE_FILE).write_text(json.dumps(state))
        assert engine_state(reused_pid) is None
        assert engine_state(ours) is not None
    finally:
        embedded_engine_stop(copied)
        assert embedded_engine_stop(ours)
    assert engine_state(ours) is None
