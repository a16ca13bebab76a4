"""Democratic appraisal (民主评议): members rate each subject once; the aggregate is published only
after the round closes; a subject rated by fewer than the round's minimum is suppressed
("样本过少，不予公布") in every output; comments reach only the chairman, sorted, never with who
wrote them; and nothing stored or logged links a rating to its member."""

from __future__ import annotations

import logging

import pytest
from django.apps import apps
from django.db import connection
from django.utils import translation
from django_tenants.utils import tenant_context

from tenants.appraisal.models import AppraisalParticipation, AppraisalRating
from tenants.appraisal.selectors import round_comments, round_results
from tenants.appraisal.services import appraisal_submit, round_publish, subject_add
from tenants.events.models import OutboxEvent
from tests.appraisal.conftest import close
from tests.factories import make_person
from workershome.errors import ServiceError

pytestmark = pytest.mark.django_db


def _rate(union, appraisal_round, people, work: str, sports: str | None, comment: str = "") -> None:
    subjects = {s.name: s.pk for s in appraisal_round.subjects.all()}
    for user in people:
        ratings = {subjects["工会维权服务工作"]: (work, comment)}
        if sports:
            ratings[subjects["职工文体活动组织"]] = (sports, "")
        appraisal_submit(appraisal_round=appraisal_round, user=user, ratings=ratings)


def test_a_member_rates_once_and_results_wait_for_the_round_to_close(union_a, appraisal_round):
    user = make_person(union_a, "member", name="评议甲")[1]
    visitor = make_person(union_a, "visitor", name="外单位职工")[1]
    with tenant_context(union_a), translation.override("en"):
        subjects = [s.pk for s in appraisal_round.subjects.all()]
        with pytest.raises(ServiceError) as empty:
            appraisal_submit(appraisal_round=appraisal_round, user=user, ratings={subjects[0]: ("", "")})
        assert empty.value.code == "appraisal_empty"
        with pytest.raises(ServiceError) as foreign:
            appraisal_submit(appraisal_round=appraisal_round, user=user, ratings={999999: ("satisfied", "")})
        assert foreign.value.code == "appraisal_subject_unknown"
        with pytest.raises(ServiceError) as not_member:
            appraisal_submit(appraisal_round=appraisal_round, user=visitor,
                             ratings=dict.fromkeys(subjects, ("satisfied", "")))  # fmt: skip
        assert not_member.value.code == "appraisal_members_only"
        assert appraisal_submit(appraisal_round=appraisal_round, user=user,
                                ratings=dict.fromkeys(subjects, ("satisfied", ""))) == 2  # fmt: skip
        with pytest.raises(ServiceError) as twice:
            appraisal_submit(appraisal_round=appraisal_round, user=user,
                             ratings=dict.fromkeys(subjects, ("unsatisfied", "")))  # fmt: skip
        assert twice.value.code == "appraisal_already_rated" and twice.value.status == 409
        assert AppraisalRating.objects.count() == 2
        with pytest.raises(ServiceError) as early:
            round_publish(appraisal_round=appraisal_round)
        assert early.value.code == "round_not_closed"
        with pytest.raises(ServiceError) as late_subject:  # someone has rated
            subject_add(appraisal_round=appraisal_round, kind="work", name="新增")
        assert late_subject.value.code == "round_started"


def test_subjects_with_too_few_ratings_are_suppressed(union_a, appraisal_round):
    """Given six members rating the rights work and only four of them sports (two left it
    unrated), when the round closes and is published, then the rights work is shown and sports
    is suppressed; given a round only four members rated (the minimum is five), then every
    subject is suppressed: no counts, no shares, no comments, and the event counts none."""
    people = [make_person(union_a, "member", name=f"评议{i}")[1] for i in range(6)]
    with tenant_context(union_a):
        _rate(union_a, appraisal_round, people[:4], "satisfied", "basic", comment="希望多组织法律讲座")
        _rate(union_a, appraisal_round, people[4:], "unsatisfied", None)
        close(appraisal_round)
        round_publish(appraisal_round=appraisal_round)
        results = {r.subject.name: r for r in round_results(appraisal_round)}
        assert results["工会维权服务工作"].counts == {"satisfied": 4, "basic": 0, "unsatisfied": 2}
        assert results["工会维权服务工作"].shares == {"satisfied": 67, "basic": 0, "unsatisfied": 33}
        assert not results["工会维权服务工作"].suppressed
        assert results["职工文体活动组织"].suppressed and results["职工文体活动组织"].counts == {
            "satisfied": 0, "basic": 0, "unsatisfied": 0}  # fmt: skip

    from tests.appraisal.conftest import open_round

    small = open_round(union_a)
    with tenant_context(union_a):
        _rate(union_a, small, people[:4], "unsatisfied", "satisfied")
        close(small)
        round_publish(appraisal_round=small)
        for result in round_results(small):
            assert result.suppressed and result.total == 0 and result.shares == {}
            assert set(result.counts.values()) == {0}
        assert round_comments(small) == {}
        published = sorted(
            (e.payload["suppressed"], e.payload["unsatisfied"], e.payload["participants"])
            for e in OutboxEvent.objects.filter(name="appraisal.results_published")
        )
        assert published == [(1, 2, 6), (2, 0, 4)]  # the second round counts nothing it suppressed


def test_comments_are_sorted_and_carry_nothing_about_their_authors(union_a, appraisal_round):
    people = [make_person(union_a, "member", name=f"评议{i}")[1] for i in range(5)]
    with tenant_context(union_a):
        for user, comment in zip(people, ["乙建议", "", "甲建议", "丙建议", ""], strict=True):
            _rate(union_a, appraisal_round, [user], "basic", "satisfied", comment=comment)
        close(appraisal_round)
        round_publish(appraisal_round=appraisal_round)
        comments = round_comments(appraisal_round)
        work = appraisal_round.subjects.get(name="工会维权服务工作").pk
        assert comments[work] == sorted(["乙建议", "甲建议", "丙建议"])


def test_no_table_or_log_links_a_rating_to_its_member(union_a, appraisal_round, caplog):
    """Anonymity by structure: the rating table has no column pointing at a user, member or the
    roll, nor any time; the roll has no time; nothing logged during a submission names the
    member; no event is emitted per submission; after publication all the round's ratings were
    written in one transaction (no row versions tell which were written together)."""
    rating_columns = {field.column for field in AppraisalRating._meta.concrete_fields}
    assert rating_columns == {"id", "subject_id", "rating", "comment"}
    roll_columns = {field.column for field in AppraisalParticipation._meta.concrete_fields}
    assert roll_columns == {"id", "round_id", "user_id"}
    # No model in the app points at both a rating and a person
    for model in apps.get_app_config("appraisal").get_models():
        targets = {f.related_model for f in model._meta.concrete_fields if f.is_relation}
        assert not (AppraisalRating in targets and any(t and t._meta.label in ("users.User", "membership.Member")
                                                        for t in targets))  # fmt: skip

    account, user = make_person(union_a, "member", name="匿名测试员")
    others = [make_person(union_a, "member", name=f"评议{i}")[1] for i in range(5)]
    events_before = OutboxEvent.objects.using("default").count
    with tenant_context(union_a):
        before = events_before()
        with caplog.at_level(logging.DEBUG):
            _rate(union_a, appraisal_round, [user], "unsatisfied", "basic", comment="独特的意见")
        logged = "\n".join(record.getMessage() for record in caplog.records)
        for trace in (account.mobile, "匿名测试员", f"user_id={user.pk}"):
            assert trace not in logged
        assert events_before() == before
        _rate(union_a, appraisal_round, others, "satisfied", "satisfied")
        close(appraisal_round)
        round_publish(appraisal_round=appraisal_round)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(DISTINCT r.xmin::text) FROM appraisal_appraisalrating r "
                "JOIN appraisal_appraisalsubject s ON s.id = r.subject_id WHERE s.round_id = %s",
                [appraisal_round.pk],
            )
            assert cursor.fetchone()[0] == 1


def test_a_closed_round_is_reported_to_the_federation_once(union_a, appraisal_round):
    """The hourly task tells the federation, once, that a round closed and how many took part."""
    from tenants.appraisal.tasks import appraisal_rounds_closed_report

    people = [make_person(union_a, "member", name=f"评议{i}")[1] for i in range(3)]
    with tenant_context(union_a):
        _rate(union_a, appraisal_round, people, "satisfied", "basic")
        assert appraisal_rounds_closed_report() == 0  # still open
        close(appraisal_round)
        assert appraisal_rounds_closed_report() == 1
        assert appraisal_rounds_closed_report() == 0
        event = OutboxEvent.objects.get(name="appraisal.round_closed")
        assert event.payload == {"participants": 3, "subjects": 2}
