"""The search pages, the suggestions endpoint, the API and the admin's 记录检索, against the
real (embedded) engine with content made through the apps' services.

Given union A with a mediation room, a basketball group and a dozen basketball notices, union B
with its own mediation room, and a federation notice to every union, then:
- A's site finds A's content first and the federation's second, never B's; the portal finds
  both unions' with a union facet;
- the results page has facets, highlighting and paging, and answers every bad input with a
  clear Chinese message, never a 500;
- the engine down gives "search unavailable" pages (503) and API errors;
- unpublished content disappears;
- staff search shows only the union's own records the role may see.
"""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from cms.models import BulletinPage, HomePage, NoticePage
from search.client import search_client_reset
from search.query import Audience, search_run
from tenants.cases.services import case_open
from tenants.groups.models import InterestGroup
from tenants.groups.services import group_save
from tests.factories import PASSWORD, make_person
from tests.groups.conftest import room_add
from tests.search.pages_corpus import (
    COUNSELLING_CANARY,
    HARDSHIP_CANARY,
    search_index_fill,
    sensitive_rows_make,
)

pytestmark = pytest.mark.django_db


def signed_in(client, account):
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def content(search_index, portal, union_a, union_b):
    """Searchable content of both unions and the federation, indexed."""
    from syndication.services import notice_publish
    from tests.mechanisms.conftest import federation_person

    people = {"officer_a": make_person(union_a, "officer", name="李干事")}
    with tenant_context(union_a):
        room_a = room_add(title="劳动争议调解室", kind="mediation_room", location="行政楼二层")
        group_save(group=InterestGroup(name="篮球队", kind="basketball", description="每周六上午训练"),
                   by=people["officer_a"][1])  # fmt: skip
        board = BulletinPage.objects.child_of(HomePage.objects.get()).get()
        for number in range(12):
            board.add_child(instance=NoticePage(
                title=f"篮球联赛第{number + 1}轮赛程", slug=f"basketball-{number}", body="<p>请各队按时到场。</p>",
                published_on=timezone.localdate() - datetime.timedelta(days=number),
            ))  # fmt: skip
    with tenant_context(union_b):
        room_b = room_add(title="恒通调解室", kind="mediation_room")
    city = federation_person(portal, "city_admin", name="王建国").user
    with schema_context("public"):
        notice = notice_publish(title="关于加强劳动争议调解工作的通知", body="各基层工会：请完善调解组织。",
                                to_all=True, by=city)  # fmt: skip
    search_index_fill(union_a, union_b)
    return {"room_a": room_a, "room_b": room_b, "notice": notice, **people}


def test_a_union_site_finds_its_own_first_then_the_federation_never_another_union(
    client_for, union_a, content
):
    response = client_for(union_a).get("/search/", {"q": "调解"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "劳动争议<mark>调解</mark>室" in page or "<mark>调解</mark>" in page
    assert "恒通调解室" not in page  # union B's room is B's site's and the portal's
    assert page.index("劳动争议") < page.index("关于加强劳动争议")  # own union first
    assert f'href="/notices/{content["notice"].pk}/"' in page  # the notice, read on this site
    assert "上级" in page or "市总" in page or "联合会" in page  # marked as the federation's


def test_the_portal_finds_every_union_with_a_union_facet(client_for, portal, union_a, union_b, content):
    response = client_for(portal).get("/search/", {"q": "调解"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "恒通<mark>调解</mark>室" in page and "劳动争议<mark>调解</mark>室" in page
    assert f"http://{union_b.primary_host}" in page  # results link to their union's site
    assert union_a.name in page and union_b.name in page  # the union facet
    assert f'href="/notices/{content["notice"].pk}/"' not in page  # no notice page on the portal
    chosen = client_for(portal).get("/search/", {"q": "调解", "union": union_b.schema_name}).content.decode()
    assert "恒通<mark>调解</mark>室</a>" in chosen and "劳动争议<mark>调解</mark>室</a>" not in chosen


def test_results_have_facets_and_pages(client_for, union_a, content):
    client = client_for(union_a)
    first = client.get("/search/", {"q": "篮球"})
    page = first.content.decode()
    assert first.status_code == 200
    assert "13" in page  # 12 notices and the group
    assert 'rel="next"' in page and "1 / 2" in page
    assert re.search(r'class="chip[^"]*"[^>]*>[^<]*公告栏', page)  # the kind facet
    second = client.get("/search/", {"q": "篮球", "page": 2}).content.decode()
    assert 'rel="prev"' in second and "2 / 2" in second
    groups_only = client.get("/search/", {"q": "篮球", "kind": "interest_group"}).content.decode()
    assert "<mark>篮球</mark>队" in groups_only and "赛程" not in groups_only.split('class="results"')[1]


@pytest.mark.parametrize(
    ("params", "status", "says"),
    [
        ({"q": ""}, 400, "请输入"),
        ({"q": "   "}, 400, "请输入"),
        ({"q": "调" * 201}, 400, "200"),
        ({"q": "！？。…——"}, 400, "标点"),
        ({"q": '调解 AND (室 OR "*") :^~ \\'}, 200, "调解"),  # syntax characters are searched as text
        ({"q": "调解", "page": 50}, 200, "没有这一页"),
        ({"q": "调解", "page": "abc"}, 200, "abc"),
        ({"q": "调解", "kind": "no_such_kind"}, 200, "no_such_kind"),
        ({"q": "调解", "district": "999999"}, 200, "999999"),
        ({"q": "调解", "date_range": "yesterday"}, 200, "yesterday"),
    ],
)
def test_bad_input_gets_a_clear_answer_never_a_500(client_for, union_a, content, params, status, says):
    response = client_for(union_a).get("/search/", params)
    assert response.status_code == status
    assert says in response.content.decode()


def test_the_api_searches_with_facets_and_pages(client_for, union_a, content):
    client = client_for(union_a)
    data = client.get("/api/v1/search/", {"q": "篮球", "page_size": 5}).json()
    assert data["total"] == 13 and data["pages"] == 3 and len(data["results"]) == 5
    assert {facet["name"] for facet in data["facets"]} >= {"kind", "date"}
    assert "<mark>" in data["results"][0]["title_html"]
    notice = client.get("/api/v1/search/", {"q": "调解工作的通知"}).json()["results"]
    assert any(hit["from_federation"] and hit["url"].startswith("/notices/") for hit in notice)
    assert client.get("/api/v1/search/", {"q": "篮球", "page": 99}).json()["results"] == []
    ignored = client.get("/api/v1/search/", {"q": "篮球", "kind": "nope"}).json()
    assert ignored["total"] == 13 and ignored["ignored"]
    suggestions = client.get("/api/v1/search/suggest/", {"q": "篮"}).json()["suggestions"]
    assert "篮球队" in {item["title"] for item in suggestions}


@pytest.mark.parametrize(
    ("params", "code"),
    [({"q": ""}, "query_empty"), ({"q": "调" * 201}, "query_too_long"), ({"q": "？！"}, "query_no_words"),
     ({"q": "调解", "page_size": 0}, "invalid"), ({"q": "调解", "page": "x"}, "invalid"), ({}, "invalid")],
)  # fmt: skip
def test_the_api_refuses_bad_words_with_a_code_and_a_chinese_message(
    client_for, union_a, content, params, code
):
    response = client_for(union_a).get("/api/v1/search/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == code and re.search(r"[\u4e00-\u9fff]", body["message"])


def test_suggestions_while_typing(client_for, union_a, content):
    client = client_for(union_a)
    data = client.get("/search/suggest/", {"q": "篮"}).json()
    assert data["suggestions"][0]["title"] == "篮球队" or "篮球队" in [
        s["title"] for s in data["suggestions"]
    ]
    assert client.get("/search/suggest/", {"q": ""}).json()["suggestions"] == []
    assert client.get("/search/suggest/", {"q": "。。。"}).json()["suggestions"] == []


def test_when_the_engine_is_down_pages_say_so_and_the_api_answers_503(client_for, union_a, search_engine):
    client = client_for(union_a)
    with override_settings(ELASTICSEARCH_URL="http://127.0.0.1:9", SEARCH_TIMEOUT=1):
        search_client_reset()
        try:
            page = client.get("/search/", {"q": "调解"})
            assert page.status_code == 503
            assert "search-message unavailable" in page.content.decode()
            assert "暂不可用" in page.content.decode()
            assert client.get("/search/suggest/", {"q": "调"}).status_code == 503
            api = client.get("/api/v1/search/", {"q": "调解"})
            assert api.status_code == 503 and api.json()["code"] == "search_unavailable"
            assert client.get("/").status_code == 200  # nothing else fails
        finally:
            search_client_reset()


def test_unpublished_content_disappears(client_for, union_a, content, django_capture_on_commit_callbacks):
    from tests.search.fixtures import refresh

    with tenant_context(union_a), django_capture_on_commit_callbacks(execute=True):
        content["room_a"].unpublish()
    refresh()
    page = client_for(union_a).get("/search/", {"q": "调解"}).content.decode()
    assert "劳动争议<mark>调解</mark>室" not in page


@pytest.fixture
def records(search_index, union_a, union_b, media_root):
    """A's appeal case and a chairman-only archive item; B's appeal case; everyone's roles."""
    from tests.archives.conftest import new_item

    people = {
        "chairman_a": make_person(union_a, "chairman", name="张主席"),
        "officer_a": make_person(union_a, "officer", name="李干事"),
        "mediator_a": make_person(union_a, "mediator", name="钱调解"),
        "member_a": make_person(union_a, "member", name="孙职工"),
        "chairman_b": make_person(union_b, "chairman", name="刘主席"),
    }
    with tenant_context(union_a):
        worker = people["member_a"][1]
        case_a, _ = case_open(kind="appeal", title="食堂饭菜太咸", description="希望改进。", channel="web_form",
                              requester=worker, category="request", by=worker)  # fmt: skip
        secret = new_item(people["chairman_a"][1], category="funds", kind="document", title="年度经费预算审批表",
                          access="chairman", retention="30")  # fmt: skip
        sensitive_rows_make(union_a)
    with tenant_context(union_b):
        chairman_b = people["chairman_b"][1]
        case_b, _ = case_open(kind="appeal", title="班车路线", description="希望增加班车。", channel="web_form",
                              requester=chairman_b, category="request", by=chairman_b)  # fmt: skip
    search_index_fill(union_a, union_b)
    return {**people, "case_a": case_a, "case_b": case_b, "secret": secret}


def test_staff_search_shows_only_the_unions_own_records_the_role_may_see(
    client_for, union_a, union_b, records
):
    reference_a, reference_b = records["case_a"].reference, records["case_b"].reference
    officer = signed_in(client_for(union_a), records["officer_a"][0])
    found = officer.get("/admin/record-search/", {"q": reference_a})
    assert found.status_code == 200 and reference_a in found.content.decode()
    assert f"/admin/cases/{records['case_a'].pk}/" in found.content.decode()
    assert "食堂" not in found.content.decode()  # a case's words are never in a document
    secret_url = f"/admin/archives/{records['secret'].pk}/"
    assert secret_url not in officer.get("/admin/record-search/", {"q": "经费预算"}).content.decode()

    chairman = signed_in(client_for(union_a), records["chairman_a"][0])
    assert secret_url in chairman.get("/admin/record-search/", {"q": "经费预算"}).content.decode()

    mediator = signed_in(client_for(union_a), records["mediator_a"][0])
    case_url = f"/admin/cases/{records['case_a'].pk}/"
    assert case_url not in mediator.get("/admin/record-search/", {"q": reference_a}).content.decode()

    # Union B's chairman, in B's admin, never finds A's case (nor A's in B's by its number).
    chairman_b = signed_in(client_for(union_b), records["chairman_b"][0])
    page_b = chairman_b.get("/admin/record-search/", {"q": f"{reference_a} {reference_b}"}).content.decode()
    assert reference_b in page_b and union_b.primary_host in page_b
    assert union_a.primary_host not in page_b  # references may repeat across unions; hosts never

    # Nobody outside the admin: a member is turned away, the site's search has no staff records.
    member = signed_in(client_for(union_a), records["member_a"][0])
    assert member.get("/admin/record-search/", {"q": reference_a}).status_code in (302, 403)
    assert case_url not in client_for(union_a).get("/search/", {"q": reference_a}).content.decode()
    assert client_for(union_a).get("/api/v1/search/", {"q": reference_a}).json()["results"] == []


def test_counselling_notes_and_hardship_details_cannot_be_found(union_a, records):
    with tenant_context(union_a):
        from tenants.users.models import User

        chairman = User.objects.get(pk=records["chairman_a"][1].pk)
        staff = Audience.staff(schema_name=union_a.schema_name, user=chairman)
    for canary in (COUNSELLING_CANARY, *HARDSHIP_CANARY):
        assert search_run(text=canary, audience=staff).total == 0
        assert search_run(text=canary, audience=Audience.portal()).total == 0


def test_highlighted_text_keeps_only_mark_tags():
    from search.templatetags.search_pages import highlighted

    assert highlighted("&lt;b&gt;<mark>调解</mark>室") == "&lt;b&gt;<mark>调解</mark>室"
    assert (
        highlighted("<mark>调解</mark><script>alert(1)</script><img src=x onerror=y>室")
        == "<mark>调解</mark>alert(1)室"
    )
