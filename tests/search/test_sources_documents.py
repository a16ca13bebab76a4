"""Each app's ``search.py``: which rows become search documents and what goes into them.

Given rows made through the apps' services, when their ``document`` functions are called
directly, then published public content gives a document with its words and link, anything
unpublished, private, withdrawn or out of date gives ``None``, staff documents carry the
permission, roles and users that match who may see the record, and sensitive data never reaches
a document.
"""

from __future__ import annotations

import dataclasses
import datetime
import json

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context
from wagtail.models import PageViewRestriction

from cms.models import BulletinPage, HomePage, NoticePage
from search.registry import source_for_kind, sources
from tenants.activities.models import Activity
from tenants.activities.services import activity_cancel, activity_publish, activity_save
from tenants.cases.models import Case, Procedure
from tenants.cases.procedures import procedure_adapt, procedure_adopt_default, procedure_publish
from tenants.cases.services import case_open
from tenants.groups.models import InterestGroup
from tenants.groups.services import group_save
from tenants.library.models import Book
from tenants.library.services import book_save
from tenants.training.models import Course
from tenants.training.services import course_save, course_session_add
from tests.factories import make_person
from tests.groups.conftest import room_add
from tests.search.pages_corpus import COUNSELLING_CANARY, HARDSHIP_CANARY, sensitive_rows_make

PUBLIC_KINDS = {"home", "rule", "service", "bulletin", "brand", "room", "procedure", "activity", "interest_group",
                "book", "course", "federation_notice"}  # fmt: skip
STAFF_KINDS = {"case", "archive"}


def doc_of(kind: str, row):
    return source_for_kind(kind).document(row)


@pytest.fixture
def staff(union_a):
    return {
        "chairman": make_person(union_a, "chairman", name="张主席")[1],
        "officer": make_person(union_a, "officer", name="李干事")[1],
    }


def test_every_app_registers_its_kinds_with_the_right_visibility():
    registered = {source.kind: source for source in sources()}
    assert set(registered) >= PUBLIC_KINDS | STAFF_KINDS
    assert {kind for kind in PUBLIC_KINDS if registered[kind].visibility != "public"} == set()
    assert {kind for kind in STAFF_KINDS if registered[kind].visibility != "staff"} == set()
    assert registered["federation_notice"].schema == "public"
    # Nothing of counselling, hardship or mediation is a kind of its own.
    assert not any(source.model._meta.app_label in {"counselling", "hardship", "mediation", "privacy"}
                   for source in registered.values())  # fmt: skip


def test_a_room_is_found_by_its_uses_until_unpublished_or_private(union_a):
    with tenant_context(union_a):
        room = room_add(title="职工调解室", kind="mediation_room", uses=["reception_room"], equipment=["office"],
                        location="行政楼二层")  # fmt: skip
        document = doc_of("room", room)
        assert document.title == "职工调解室"
        assert "劳动争议调解室" in document.keywords and "接待室" in " ".join(document.keywords)
        assert "行政楼二层" in document.body
        assert document.url == room.get_url()
        PageViewRestriction.objects.create(page=room, restriction_type=PageViewRestriction.LOGIN)
        assert doc_of("room", room) is None
        PageViewRestriction.objects.filter(page=room).delete()
        room.unpublish()
        room.refresh_from_db()
        assert doc_of("room", room) is None


def test_bulletin_notices_only_while_the_board_shows_them(union_a):
    with tenant_context(union_a):
        board = BulletinPage.objects.child_of(HomePage.objects.get()).get()
        today = timezone.localdate()
        shown = board.add_child(
            instance=NoticePage(
                title="端午节慰问品发放通知",
                slug="duanwu",
                body="<p>请各部门<b>工会小组长</b>领取。</p>",
                published_on=today,
            )
        )
        expired = board.add_child(instance=NoticePage(
            title="旧通知", slug="old", body="<p>x</p>", published_on=today - datetime.timedelta(days=30),
            expires_on=today - datetime.timedelta(days=1)))  # fmt: skip
        future = board.add_child(instance=NoticePage(
            title="明天的通知", slug="later", body="<p>x</p>", published_on=today + datetime.timedelta(days=1)))  # fmt: skip
        document = doc_of("bulletin", shown)
        assert document.body == "请各部门工会小组长领取。"  # markup removed
        assert document.date == today and "通知公告" in document.keywords
        assert doc_of("bulletin", expired) is None
        assert doc_of("bulletin", future) is None


def test_activities_drafts_and_cancelled_are_not_documents(union_a, staff):
    with tenant_context(union_a):
        starts = (timezone.now() + datetime.timedelta(days=5)).replace(microsecond=0)
        activity = activity_save(activity=Activity(
            title="职工篮球友谊赛", kind="sports", place="职工篮球场", starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=2), audience="public", description="欢迎报名参加。",
        ), by=staff["officer"])  # fmt: skip
        assert doc_of("activity", activity) is None
        activity = activity_publish(activity=activity, by=staff["officer"])
        document = doc_of("activity", activity)
        assert document.title == "职工篮球友谊赛" and document.url == f"/activities/{activity.pk}/"
        assert document.date == timezone.localdate(starts)
        assert "职工篮球场" in document.keywords
        activity = activity_cancel(activity=activity, reason="场地维修", by=staff["officer"])
        assert doc_of("activity", activity) is None


def test_groups_books_courses(union_a, staff):
    with tenant_context(union_a):
        group = group_save(group=InterestGroup(name="篮球队", kind="basketball", description="每周二晚训练"),
                           by=staff["officer"])  # fmt: skip
        assert doc_of("interest_group", group).keywords[0] == "篮球"
        group.active = False
        assert doc_of("interest_group", group) is None

        book = book_save(book=Book(title="劳动合同法释义", authors="全国人大常委会法工委", isbn="9787511852441",
                                   category="D"), by=staff["chairman"])  # fmt: skip
        assert doc_of("book", book) is None  # not shared with sister unions
        book.shared = True
        document = doc_of("book", book)
        assert document.title == "《劳动合同法释义》" and "9787511852441" in document.keywords

        deadline = timezone.now() + datetime.timedelta(days=3)
        course = course_save(course=Course(title="电工技能提升班", category="vocational", teacher="张工", place="培训教室",
                                           enrolment_deadline=deadline, capacity=20), by=staff["officer"])  # fmt: skip
        assert doc_of("course", course) is None  # a draft
        first = deadline + datetime.timedelta(days=2)
        course_session_add(course=course, starts_at=first, ends_at=first + datetime.timedelta(hours=2),
                           topic="低压配电安全", by=staff["officer"])  # fmt: skip
        course.status = Course.Status.PUBLISHED
        course = course_save(course=course, by=staff["officer"])
        document = doc_of("course", course)
        assert document.date == timezone.localdate(first) and "低压配电安全" in document.body


def test_procedures_published_only_with_their_steps(union_a, staff):
    with tenant_context(union_a):
        published = procedure_adopt_default(kind="appeal", by=staff["chairman"])
        document = doc_of("procedure", published)
        assert document.title == published.title and "登记受理" in document.body
        assert document.url.endswith("#duty-appeals")
        draft = procedure_adapt(procedure=published, by=staff["chairman"])
        assert doc_of("procedure", draft) is None
        procedure_publish(procedure=draft, by=staff["chairman"])
        published.refresh_from_db()
        assert published.status == Procedure.Status.RETIRED
        assert doc_of("procedure", published) is None


def test_a_case_document_holds_where_it_stands_never_its_words(union_a, staff):
    with tenant_context(union_a):
        worker = make_person(union_a, "member", name="王小明")[1]
        case, _ = case_open(kind="appeal", title="食堂饭菜太咸", description="我叫王小明，胃病犯了。",
                            channel="web_form", requester=worker, category="request", by=worker)  # fmt: skip
        document = doc_of("case", case)
        assert case.reference in document.title and case.reference in document.keywords
        text = json.dumps(dataclasses.asdict(document), ensure_ascii=False, default=str)
        assert "食堂" not in text and "王小明" not in text and "胃病" not in text
        # Found by whoever sees it in the admin: the kind's staff roles and the chairman ...
        assert (document.roles, document.users, document.permission) == (("chairman", "officer"), (), "")
        assert document.url == f"/admin/cases/{case.pk}/"
        # ... and once restricted, by the chairman and its assignee only.
        Case.objects.filter(pk=case.pk).update(confidentiality="restricted", assignee=staff["officer"])
        case.refresh_from_db()
        restricted = doc_of("case", case)
        assert (restricted.roles, restricted.users) == (("chairman",), (staff["officer"].pk,))


def test_archive_items_carry_the_permission_of_their_access_level(union_a, staff, media_root):
    from tests.archives.conftest import new_item

    with tenant_context(union_a):
        minutes = new_item(staff["officer"], access="staff")
        secret = new_item(staff["chairman"], category="hardship", kind="document", title="困难职工帮扶资金审批表",
                          access="chairman", retention="30", description="张三家庭月收入一千元")  # fmt: skip
        assert doc_of("archive", minutes).permission == "archives.view_archiveitem"
        assert minutes.number in doc_of("archive", minutes).keywords
        document = doc_of("archive", secret)
        assert document.permission == "archives.delete_archiveitem"
        assert "张三" not in document.body and "收入" not in document.body


def test_federation_notices_carry_their_districts_until_withdrawn(portal, union_a):
    from federation.models import District
    from syndication.services import notice_publish, notice_withdraw
    from tests.mechanisms.conftest import federation_person

    city = federation_person(portal, "city_admin", name="王建国").user
    with schema_context("public"):
        everyone = notice_publish(title="关于开展职工技能大赛的通知", body="各基层工会：\n\n请组织报名。",
                                  to_all=True, by=city)  # fmt: skip
        some = notice_publish(title="朝阳区工会通知", body="x", districts=[District.objects.get(code="110105")],
                              by=city)  # fmt: skip
        document = doc_of("federation_notice", everyone)
        assert document.url == f"/notices/{everyone.pk}/" and document.body == "各基层工会： 请组织报名。"
        # A notice pushed to chosen districts carries them: only those districts' unions find it.
        assert doc_of("federation_notice", some).districts == ("110105",)
        assert doc_of("federation_notice", everyone).districts == ()
        everyone = notice_withdraw(notice=everyone, by=city)
        assert doc_of("federation_notice", everyone) is None


def test_counselling_notes_and_hardship_details_never_reach_a_document(union_a, media_root):
    """Given a counselling session's notes and a hardship file (with its case) in union A, when
    every registered source turns every row of its queryset into a document, then neither the
    notes nor the household's causes, health or ID number appear in any of them."""
    with tenant_context(union_a):
        sensitive_rows_make(union_a)
        texts = []
        for source in sources():
            if source.schema != "union":
                continue
            for row in source.queryset():
                document = source.document(row)
                if document is not None:
                    texts.append(json.dumps(dataclasses.asdict(document), ensure_ascii=False, default=str))
        everything = "\n".join(texts)
    assert texts, "the union's pages at least are documents"
    for canary in (COUNSELLING_CANARY, *HARDSHIP_CANARY):
        assert canary not in everything
