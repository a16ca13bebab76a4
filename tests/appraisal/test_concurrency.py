"""One rating per member under concurrent submission: twelve members each submit twice at the
same moment, every submission in its own connection and transaction on real PostgreSQL; exactly
one submission per member counts, the other is refused, and no rating is stored twice."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from accounts.models import Account
from tenants.appraisal.models import AppraisalParticipation, AppraisalRating, AppraisalRound
from tenants.appraisal.services import appraisal_submit
from tenants.users.models import User
from tests.appraisal.conftest import open_round
from tests.factories import make_person
from workershome.errors import Conflict

pytestmark = pytest.mark.django_db(transaction=False)

PEOPLE = 12  # 24 connections at once: PostgreSQL allows 100, shared with other test runs


def _in_own_connection(work) -> None:
    failure: list[BaseException] = []

    def run():
        try:
            work()
        except BaseException as error:
            failure.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


def test_two_simultaneous_submissions_of_each_member_count_once(union_a):
    made: dict = {}

    def setup():
        made["round"] = open_round(union_a).pk
        made["users"] = [make_person(union_a, "member", name=f"并发评议{i:02d}")[1].pk for i in range(PEOPLE)]

    _in_own_connection(setup)
    outcomes: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(PEOPLE * 2)

    def submit(user_id: int) -> None:
        try:
            with tenant_context(union_a):
                appraisal_round = AppraisalRound.objects.get(pk=made["round"])
                user = User.objects.get(pk=user_id)
                subjects = list(appraisal_round.subjects.values_list("pk", flat=True))
                barrier.wait(timeout=30)
                try:
                    appraisal_submit(appraisal_round=appraisal_round, user=user,
                                     ratings=dict.fromkeys(subjects, ("satisfied", "")))  # fmt: skip
                    result = "counted"
                except Conflict:
                    result = "refused"
            with lock:
                outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(pk,)) for pk in made["users"] for _twice in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    def check_and_clean():
        with tenant_context(union_a):
            try:
                assert AppraisalParticipation.objects.filter(round_id=made["round"]).count() == PEOPLE
                assert AppraisalRating.objects.filter(subject__round_id=made["round"]).count() == PEOPLE * 2
            finally:
                AppraisalRound.objects.filter(pk=made["round"]).delete()
                accounts = list(
                    User.objects.filter(pk__in=made["users"]).values_list("account_id", flat=True)
                )
                User.objects.filter(pk__in=made["users"]).delete()
        Account.objects.filter(pk__in=accounts).delete()

    assert sorted(outcomes) == ["counted"] * PEOPLE + ["refused"] * PEOPLE
    _in_own_connection(check_and_clean)
