"""Who finds what: staff search shows each user exactly the records their role may see in the
admin, and a federation notice pushed to chosen districts is found only where it was pushed.

Records are made through the apps' services and indexed through the commit-driven pipeline
(``on_commit`` → the indexing task, eager in tests), then searched through ``search_run`` with
the audience a page would build, and through the admin's 记录检索 page.

- A mediation case (restricted) is found by its mediator, by another mediator and by the
  chairman (the mediation module shows every mediator every case), never by an officer, a
  counsellor or union B's chairman.
- A hardship case is found by the chairman and the officers named on the file; naming another
  officer (a many-to-many change, no ``post_save``) indexes it again for them.
- A federation notice to 朝阳区 is found on the sites of 朝阳区's unions, not on the portal nor
  on a 海淀区 union's site; a notice to every union everywhere.
"""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context, tenant_context

from search.query import Audience, search_run
from tests.factories import PASSWORD, make_person
from tests.search.fixtures import refresh

pytestmark = pytest.mark.django_db


def staff_of(union, user) -> Audience:
    with tenant_context(union):
        from tenants.users.models import User

        return Audience.staff(schema_name=union.schema_name, user=User.objects.get(pk=user.pk))


def found_ids(text: str, audience: Audience) -> set[str]:
    return {hit.id for hit in search_run(text=text, audience=audience, per_page=50).hits}


def signed_in(client, account):
    response = client.post("/accounts/login/", {"username": account.mobile, "password": PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def people(union_a, union_b):
    return {
        "chairman": make_person(union_a, "chairman", name="张主席"),
        "mediator": make_person(union_a, "mediator", name="钱调解"),
        "mediator_2": make_person(union_a, "mediator", name="周调解"),
        "officer": make_person(union_a, "officer", name="李干事"),
        "officer_2": make_person(union_a, "officer", name="吴干事"),
        "counsellor": make_person(union_a, "counsellor", name="陈咨询"),
        "worker": make_person(union_a, "member", name="王小明"),
        "chairman_b": make_person(union_b, "chairman", name="刘主席"),
    }


@pytest.fixture
def mediation(search_index, union_a, people, django_capture_on_commit_callbacks):
    from tenants.mediation.services import mediation_apply

    with tenant_context(union_a), django_capture_on_commit_callbacks(execute=True):
        mediation = mediation_apply(
            worker=people["worker"][1], respondent_kind="employer", respondent_name="北京星河精密制造有限公司",
            claim_kind="working_hours", claim="加班费调解申请：每周六加班未支付加班费。", amount_claimed="18600.00",
            consent_given=True, by=people["mediator"][1],
        )  # fmt: skip
    refresh()
    return mediation


def test_a_mediator_finds_the_mediation_case_an_officer_does_not(
    union_a, union_b, people, mediation, client_for
):
    reference = mediation.case.reference
    doc_id = f"{union_a.schema_name}:case:{mediation.case.pk}"
    for who in ("mediator", "mediator_2", "chairman"):
        assert doc_id in found_ids(reference, staff_of(union_a, people[who][1])), who
    for who in ("officer", "counsellor", "worker"):
        assert doc_id not in found_ids(reference, staff_of(union_a, people[who][1])), who
    # Union B's chairman, in B's admin, never finds A's case; nor does anyone on a public search.
    assert found_ids(reference, staff_of(union_b, people["chairman_b"][1])) == set()
    assert doc_id not in found_ids(reference, Audience.portal())
    assert doc_id not in found_ids(reference, Audience.site(union_a.schema_name))
    # Nothing of the dispute is in the document.
    assert found_ids("加班费", staff_of(union_a, people["chairman"][1])) == set()

    # The admin's 记录检索 shows it to the second mediator (who is not its assignee), not to an officer.
    link = search_run(text=reference, audience=staff_of(union_a, people["chairman"][1])).hits[0].url
    assert "/admin/" in link
    mediator_2 = signed_in(client_for(union_a), people["mediator_2"][0])
    page = mediator_2.get("/admin/record-search/", {"q": reference})
    assert page.status_code == 200 and link in page.content.decode()
    officer = signed_in(client_for(union_a), people["officer"][0])
    page = officer.get("/admin/record-search/", {"q": reference})
    assert page.status_code == 200 and link not in page.content.decode()


def test_hardship_cases_follow_the_officers_named_on_the_file(
    union_a, people, search_index, django_capture_on_commit_callbacks
):
    from tenants.hardship.services import hardship_file_open, hardship_officers_set
    from tenants.privacy.services import consent_record

    officer, officer_2 = people["officer"][1], people["officer_2"][1]
    with tenant_context(union_a), django_capture_on_commit_callbacks(execute=True):
        consent_record(worker=people["worker"][1], scope="hardship", method="written", by=officer,
                       purpose="建立困难职工帮扶档案，用于申请帮扶资金和定期回访。")  # fmt: skip
        file = hardship_file_open(
            worker=people["worker"][1], kind="medical", tier="deep", id_number="11010519491231002X",
            monthly_income="2600.00", household_size=3, causes="家中老人长期住院", members=[], by=officer,
        )  # fmt: skip
    refresh()
    reference = file.case.reference
    doc_id = f"{union_a.schema_name}:case:{file.case.pk}"
    assert doc_id in found_ids(reference, staff_of(union_a, officer))
    assert doc_id in found_ids(reference, staff_of(union_a, people["chairman"][1]))
    for who in ("officer_2", "mediator", "counsellor"):
        assert doc_id not in found_ids(reference, staff_of(union_a, people[who][1])), who

    # The chairman names the other officer instead: the relation changes, the case is indexed again.
    with tenant_context(union_a), django_capture_on_commit_callbacks(execute=True) as callbacks:
        hardship_officers_set(file=file, officers=[officer_2], by=people["chairman"][1])
    assert callbacks, "the many-to-many change queued the case's indexing"
    refresh()
    assert doc_id in found_ids(reference, staff_of(union_a, officer_2))
    assert doc_id not in found_ids(reference, staff_of(union_a, officer))


def test_a_hit_the_index_has_not_caught_up_with_is_not_shown(union_a, people, mediation):
    """The page checks found cases against the database again: a mediator whose role was taken
    away before the index knew no longer sees the case."""
    from search.pages import staff_hits_visible

    mediator = people["mediator_2"][1]
    audience = staff_of(union_a, mediator)
    hits = search_run(text=mediation.case.reference, audience=audience).hits
    assert hits
    with tenant_context(union_a):
        from tenants.users.models import User

        user = User.objects.get(pk=mediator.pk)
        user.groups.clear()
        user = User.objects.get(pk=mediator.pk)
        assert staff_hits_visible(hits, user=user) == []


@pytest.fixture
def notices(search_index, portal, django_capture_on_commit_callbacks):
    from federation.models import District
    from syndication.services import notice_publish
    from tests.mechanisms.conftest import federation_person

    city = federation_person(portal, "city_admin", name="王建国").user
    with schema_context("public"), django_capture_on_commit_callbacks(execute=True):
        everyone = notice_publish(title="关于开展职工技能竞赛的通知", body="各基层工会：请组织报名。",
                                  to_all=True, by=city)  # fmt: skip
        chaoyang = notice_publish(title="朝阳区职工技能竞赛补充通知", body="朝阳区各基层工会：请于月底前报名。",
                                  districts=[District.objects.get(code="110105")], by=city)  # fmt: skip
    refresh()
    return {
        "everyone": f"public:federation_notice:{everyone.pk}",
        "chaoyang": f"public:federation_notice:{chaoyang.pk}",
    }


def test_a_notice_pushed_to_a_district_is_found_only_there(union_a, union_b, notices, client_for):
    assert union_a.district.code == "110105" and union_b.district.code != "110105"
    on_a = found_ids("技能竞赛", Audience.site(union_a.schema_name))
    on_b = found_ids("技能竞赛", Audience.site(union_b.schema_name))
    on_portal = found_ids("技能竞赛", Audience.portal())
    assert on_a == {notices["everyone"], notices["chaoyang"]}
    assert on_b == {notices["everyone"]}
    assert on_portal == {notices["everyone"]}
    # Nor can the words of the district's notice reveal it elsewhere (facets, suggestions, API).
    assert search_run(text="补充通知", audience=Audience.site(union_b.schema_name)).total == 0
    from search.query import search_suggest

    assert search_suggest(prefix="朝阳区职工", audience=Audience.site(union_b.schema_name)) == []
    assert [
        s.title for s in search_suggest(prefix="朝阳区职工", audience=Audience.site(union_a.schema_name))
    ] == ["朝阳区职工技能竞赛补充通知"]
    chaoyang_url = f"/notices/{notices['chaoyang'].rsplit(':', 1)[1]}/"
    assert chaoyang_url not in client_for(union_b).get("/search/", {"q": "技能竞赛"}).content.decode()
    assert chaoyang_url in client_for(union_a).get("/search/", {"q": "技能竞赛"}).content.decode()
    api_a = client_for(union_a).get("/api/v1/search/", {"q": "补充通知"}).json()
    assert [hit["id"] for hit in api_a["results"]] == [notices["chaoyang"]]


def token_client(client_for, union, user):
    from rest_framework.authtoken.models import Token

    with tenant_context(union):
        key = Token.objects.get_or_create(user=user)[0].key
    return client_for(union, HTTP_AUTHORIZATION=f"Token {key}")


def test_the_staff_search_api_has_the_same_limits(union_a, union_b, portal, people, mediation, client_for):
    reference = mediation.case.reference
    doc_id = f"{union_a.schema_name}:case:{mediation.case.pk}"

    def ids(response):
        assert response.status_code == 200, response.content[:300]
        return [hit["id"] for hit in response.json()["results"]]

    mediator = token_client(client_for, union_a, people["mediator_2"][1])
    body = mediator.get("/api/v1/staff-search/", {"q": reference}).json()
    assert [hit["id"] for hit in body["results"]] == [doc_id] and body["total"] == 1
    assert body["results"][0]["kind"] == "case" and "/admin/" in body["results"][0]["url"]
    assert {facet["name"] for facet in body["facets"]} <= {"kind", "date"}
    assert ids(
        token_client(client_for, union_a, people["chairman"][1]).get(
            "/api/v1/staff-search/", {"q": reference}
        )
    ) == [doc_id]
    assert (
        ids(
            token_client(client_for, union_a, people["officer"][1]).get(
                "/api/v1/staff-search/", {"q": reference}
            )
        )
        == []
    )
    # Union B's chairman on B's host never finds A's case.
    chairman_b = token_client(client_for, union_b, people["chairman_b"][1])
    assert ids(chairman_b.get("/api/v1/staff-search/", {"q": reference})) == []

    # Who may not search: anonymous (401), a member (403), nobody on the portal (no such address).
    anonymous = client_for(union_a).get("/api/v1/staff-search/", {"q": reference})
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    member = token_client(client_for, union_a, people["worker"][1]).get(
        "/api/v1/staff-search/", {"q": reference}
    )
    assert member.status_code == 403 and member.json()["code"] == "permission_denied"
    assert client_for(portal).get("/api/v1/staff-search/", {"q": reference}).status_code == 404

    # Bad input: a clear error in Chinese and English, never a 500.
    for params, code in (
        ({"q": ""}, "query_empty"),
        ({"q": "调" * 201}, "query_too_long"),
        ({"q": "？！。"}, "query_no_words"),
        ({}, "invalid"),
        ({"q": "调解", "page": "x"}, "invalid"),
        ({"q": "调解", "page_size": "999"}, "invalid"),
    ):
        response = mediator.get("/api/v1/staff-search/", params)
        assert response.status_code == 400 and response.json()["code"] == code, (
            params,
            response.content[:200],
        )
        error = response.json()
        assert error["message"] != error["message_en"] and error["message_en"].isascii(), error
    odd = mediator.get(
        "/api/v1/staff-search/", {"q": reference, "kind": "nope", "district": "110105", "page": 9}
    )
    assert odd.status_code == 200 and odd.json()["results"] == [] and len(odd.json()["ignored"]) == 2


def test_documents_indexed_before_audiences_and_access_lists_still_answer(search_index, union_a, people):
    """Until ``search_reindex`` runs after the upgrade, a public document without ``audience``
    counts as addressed to everyone and a staff document without ``access`` follows its old
    ``permission``."""
    from search.documents import alias_name

    client = search_index
    old = {"kind": "archive", "union_schema": union_a.schema_name, "union_name": union_a.name, "url": "/x/"}
    client.index(index=alias_name("public"), id=f"{union_a.schema_name}:room:900001", routing=union_a.schema_name,
                 document={**old, "kind": "room", "title": "旧索引职工书屋"})  # fmt: skip
    client.index(index=alias_name("staff"), id=f"{union_a.schema_name}:archive:900002", routing=union_a.schema_name,
                 document={**old, "title": "旧索引经费审批表", "permission": "archives.delete_archiveitem"})  # fmt: skip
    refresh()
    assert search_run(text="旧索引职工书屋", audience=Audience.portal()).total == 1
    assert search_run(text="旧索引职工书屋", audience=Audience.site(union_a.schema_name)).total == 1
    assert search_run(text="旧索引经费审批表", audience=staff_of(union_a, people["chairman"][1])).total == 1
    assert search_run(text="旧索引经费审批表", audience=staff_of(union_a, people["officer"][1])).total == 0
