"""``referrals_out`` 0002–0004 on a union that has referrals: before 0002 a referral pointed at a
mediation case (only a failed mediation could be referred to the station); 0002 adds the
``case`` column and copies each referral's mediation case onto it, 0003 requires it, drops the
mediation column and renames the station's name, 0004 adds the receiver's kind (the station, for
every referral sent before).

The union's schema is really taken back to 0001 (nothing else depends on ``referrals_out``, so
django's executor unapplies just its three migrations, on the empty table), filled with rows in
the old shape through the historical model, and migrated forward the way ``migrate_unions``
migrates a union (``registry.migrate._run_migrations_here``: one transaction, the deferred
constraint checks fired between migrations as a commit would)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import tenant_context

from tenants.cases.services import case_open
from tenants.privacy.models import Consent, ConsentScope
from tenants.privacy.services import consent_record
from tenants.referrals_out.models import OutgoingReferral
from tenants.registry.migrate import _run_migrations_here
from tests.factories import make_person
from tests.mediation.conftest import apply, at

pytestmark = pytest.mark.django_db

APP = "referrals_out"
BEFORE = (APP, "0001_initial")
COPIED = (APP, "0002_referral_of_any_case")


def _applied(app: str) -> set[str]:
    return {name for (label, name) in MigrationExecutor(connection).loader.applied_migrations if label == app}


def _settle() -> None:
    """What the commit after the test's inserts would do: fire the deferred FK checks, so the
    next ALTER TABLE does not meet "pending trigger events"."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE; SET CONSTRAINTS ALL DEFERRED")


def _mediation_cases(people, count: int) -> list:
    """``count`` mediation cases of different workers, behind two ordinary cases and a mediation
    case that is never referred, so that no case's id happens to equal its mediation's."""
    for title in ("食堂就餐环境改善建议", "夏季高温补贴发放咨询"):
        case_open(kind="proposal", title=title, description=title, channel="walk_in",
                  requester=people["member"], by=people["officer"])  # fmt: skip
    apply(people, worker=people["member"], claim="未签订书面劳动合同，要求补签。", amount_claimed="0")
    workers = [
        people["worker"],
        *(make_person(people["union"], "member", name=n)[1] for n in ("赵伟", "周敏", "吴强")),
    ]
    return [
        apply(people, worker=worker, respondent_name=f"北京第{n}建筑工程有限公司", amount_claimed=f"{6000 + 1500 * n}.00")
        for n, worker in enumerate(workers[:count], start=1)
    ]  # fmt: skip


@pytest.fixture
def staff(union_a, people):
    return {**people, "union": union_a}


def test_0002_copies_each_referrals_mediation_case_onto_its_case(union_a, staff):
    with tenant_context(union_a):
        leaf = max(_applied(APP))
        assert leaf > COPIED[1]  # the union is on the latest referrals_out migration

        # Back to 0001: the table as it was, with its mediation column and no case column.
        executor = MigrationExecutor(connection)
        executor.migrate([BEFORE])
        assert _applied(APP) == {BEFORE[1]}
        old = MigrationExecutor(connection).loader.project_state([BEFORE]).apps
        Referral = old.get_model(APP, "OutgoingReferral")
        assert {f.name for f in Referral._meta.get_fields()} >= {"mediation", "station_name"}
        assert "case" not in {f.name for f in Referral._meta.get_fields()}

        # Referrals as union A sent them then: four failed mediations referred to the station,
        # one still waiting, one accepted, one closed with the worker's rating, one declined.
        mediations = _mediation_cases(staff, 4)
        rows = []
        statuses = [("sent", None, ""), ("accepted", None, "已受理，安排律师对接"),
                    ("closed", 5, "已调解成功，企业补发工资"), ("declined", None, "不属于本站受理范围")]  # fmt: skip
        for n, (mediation, (status, rating, status_note)) in enumerate(
            zip(mediations, statuses, strict=True)
        ):
            consent = consent_record(worker=mediation.worker, scope=ConsentScope.CASE_REFERRAL,
                                     purpose="调解不成，转介街道服务站", method=Consent.Method.WRITTEN,
                                     by=staff["mediator"])  # fmt: skip
            sent = at("2026-03-10") + datetime.timedelta(days=n)
            rows.append(Referral.objects.create(
                mediation_id=mediation.pk, consent_id=consent.pk, sent_by_id=staff["mediator"].pk,
                shared=["worker_name", "respondent", "claim"], difficulty="normal", note="调解未达成协议，请协助。",
                station_name="望京街道职工服务站", status=status, status_note=status_note, sent_at=sent,
                status_changed_at=None if status == "sent" else sent + datetime.timedelta(days=2), rating=rating,
            ))  # fmt: skip
        _settle()

        # 0002 alone: the new column holds each referral's mediation's case.
        executor = MigrationExecutor(connection)
        executor.migrate([COPIED])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id, mediation_id, case_id FROM {OutgoingReferral._meta.db_table} ORDER BY id"
            )
            copied = cursor.fetchall()
        case_of = {m.pk: m.case_id for m in mediations}
        assert [(pk, mediation) for pk, mediation, _case in copied] == [(r.pk, r.mediation_id) for r in rows]
        assert all(case == case_of[mediation] for _pk, mediation, case in copied)
        assert len({case for _pk, _m, case in copied}) == 4
        assert any(case != mediation for _pk, mediation, case in copied)

        # Then the rest of the way, as migrate_unions migrates a union behind.
        _settle()
        applied = _run_migrations_here()
        assert applied >= 2 and _applied(APP) >= {COPIED[1], leaf}

        referrals = list(OutgoingReferral.objects.order_by("pk").select_related("case"))
        assert [r.case_id for r in referrals] == [m.case_id for m in mediations]
        assert all(r.case.kind == "mediation" for r in referrals)
        assert {r.receiver_name for r in referrals} == {"望京街道职工服务站"}
        assert {(r.receiver_kind, r.receiver_union_schema) for r in referrals} == {("station", "")}
        assert [(r.status, r.rating) for r in referrals] == [(s, rating) for s, rating, _n in statuses]
        assert referrals[0].note == "调解未达成协议，请协助。"  # still readable: encrypted as before
        assert referrals[0].shared == ["worker_name", "respondent", "claim"]
        # The mediation's own case reaches the referral through its new column.
        assert list(mediations[2].case.outgoing_referrals.values_list("pk", flat=True)) == [referrals[2].pk]
