"""The calendar page and the union's feed are cached until something on them changes: that
includes the other sources' entries (course sessions, group meetings), not only activities."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from tests.factories import make_person
from tests.training.conftest import make_course
from workershome.page_cache import page_cache_generation

pytestmark = pytest.mark.django_db


def test_a_new_course_with_sessions_refreshes_the_cached_calendar_and_feed(
    union_a, union_b, django_capture_on_commit_callbacks
):
    officer = make_person(union_a, "officer", name="李干事")[1]
    with tenant_context(union_a):
        before = page_cache_generation()
    with tenant_context(union_b):
        other_before = page_cache_generation()

    with django_capture_on_commit_callbacks(execute=True):  # the refresh happens on commit
        make_course(union_a, officer, sessions=2)

    with tenant_context(union_a):
        assert page_cache_generation() != before
    with tenant_context(union_b):
        assert page_cache_generation() == other_before  # another union's cache is left alone
