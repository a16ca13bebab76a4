"""The procedures area of the staff admin (亮程序): the chairman adopts the federation's defaults,
adapts one into a draft, edits it (a definition that cannot run is refused and nothing changes),
previews its chart and publishes it; officers read; members and other unions get nothing."""

from __future__ import annotations

import pytest
from django.utils import translation
from django_tenants.utils import tenant_context

from cms.checklist import Status, home_checklist
from tenants.cases.kinds import KINDS
from tenants.cases.models import Case, Procedure
from tenants.cases.procedures import machine_for, procedure_adapt
from tenants.cases.services import case_open
from tests.factories import make_person

pytestmark = pytest.mark.django_db
INDEX = "/admin/procedures/"


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def edit_data(procedure: Procedure, **changes) -> dict[str, str]:
    """The edit form as the browser posts it, from the draft's definition, with ``changes``:
    ``steps``/``ways`` replace the rows; the rest replace the procedure's own fields."""
    machine = machine_for(procedure)
    steps = changes.pop("steps", None) or [
        {"code": s.code, "label": s.label, "role": s.role, "kind": s.kind, "days": s.days or "",
         "description": s.description} for s in machine.steps
    ]  # fmt: skip
    ways = changes.pop("ways", None) or [
        {"source": a, "target": w.target, "label": w.label}
        for a, found in machine.ways.items()
        for w in found
    ]
    data = {
        "title": procedure.title, "summary": procedure.summary, "time_limit_days": str(procedure.time_limit_days),
        "steps-TOTAL_FORMS": str(len(steps)), "steps-INITIAL_FORMS": str(len(steps)),
        "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "30",
        "ways-TOTAL_FORMS": str(len(ways)), "ways-INITIAL_FORMS": str(len(ways)),
        "ways-MIN_NUM_FORMS": "0", "ways-MAX_NUM_FORMS": "60",
        **changes,
    }  # fmt: skip
    for index, row in enumerate(steps):
        for key, value in row.items():
            data[f"steps-{index}-{key}"] = "" if value is None else str(value)
        data[f"steps-{index}-ORDER"] = str(index + 1)
    for index, row in enumerate(ways):
        for key, value in row.items():
            data[f"ways-{index}-{key}"] = str(value)
    return data


def definition(procedure: Procedure) -> tuple:
    machine = machine_for(procedure)
    return procedure.title, machine.steps, machine.ways


def test_the_chairman_adopts_adapts_edits_and_publishes(union_a, sign_in):
    chairman = sign_in(union_a, "chairman")
    _, worker = make_person(union_a, "member", name="王职工")

    # Given a union that has adopted nothing: every kind is "not adopted"; the checklist says so
    page = chairman.get(INDEX)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-procedure-kind="') == len(KINDS)
    assert html.count(zh("Not adopted")) == len(KINDS)
    with tenant_context(union_a):
        item = home_checklist().item("procedures_published")
    assert item.status == Status.MISSING and item.fix_url == INDEX

    # When the chairman adopts the federation's defaults
    response = chairman.post(f"{INDEX}adopt/", follow=True)
    assert response.status_code == 200
    with tenant_context(union_a):
        published = {p.kind: p for p in Procedure.objects.filter(status="published")}
        assert set(published) == set(KINDS)
        assert home_checklist().item("procedures_published").status == Status.DONE
    assert zh("Not adopted") not in response.content.decode()
    appeal = published["appeal"]
    detail = chairman.get(f"{INDEX}{appeal.pk}/").content.decode()
    chart = detail.split('<figure class="pc-chart">', 1)[1].split("</figure>", 1)[0]
    assert chart.startswith("<svg") and "分析研判" in chart and "<script" not in chart.lower()

    # When the chairman adapts the appeal procedure, a draft opens for editing
    response = chairman.post(f"{INDEX}{appeal.pk}/adapt/")
    with tenant_context(union_a):
        draft = Procedure.objects.get(kind="appeal", status="draft")
    assert response.status_code == 302 and response["Location"] == f"{INDEX}{draft.pk}/edit/"
    form = chairman.get(f"{INDEX}{draft.pk}/edit/")
    assert form.status_code == 200 and 'value="分析研判"' in form.content.decode()

    # And saves it with a new step between "handle" and "reply"
    with tenant_context(union_a):
        data = edit_data(draft, title="职工诉求办理程序（星河版）")
        machine = machine_for(draft)
    steps = [{"code": s.code, "label": s.label, "role": s.role, "kind": s.kind, "days": s.days or "",
              "description": s.description} for s in machine.steps]  # fmt: skip
    steps.insert(3, {"code": "review", "label": "主席审核", "role": "chairman", "kind": "task", "days": 2,
                     "description": "主席审核办理结果。"})  # fmt: skip
    ways = [
        {"source": "received", "target": "assess", "label": "受理"},
        {"source": "assess", "target": "handle", "label": "需协调办理"},
        {"source": "assess", "target": "reply", "label": "可直接答复"},
        {"source": "handle", "target": "review", "label": "办理完毕"},
        {"source": "review", "target": "reply", "label": "审核通过"},
        {"source": "reply", "target": "closed", "label": "已答复"},
    ]
    with tenant_context(union_a):
        data = edit_data(draft, title="职工诉求办理程序（星河版）", steps=steps, ways=ways)
    response = chairman.post(f"{INDEX}{draft.pk}/edit/", data)
    assert response.status_code == 302, response.content.decode()[:3000]

    # Then its preview shows the new step and branch, and cases still follow the published version
    preview = chairman.get(f"{INDEX}{draft.pk}/").content.decode()
    assert "data-procedure-preview" in preview and "主席审核" in preview and "审核通过" in preview
    with tenant_context(union_a):
        before, _ = case_open(kind="appeal", title="食堂", description="饭菜价格", channel="web_form",
                              requester=worker)  # fmt: skip
        assert before.procedure_id == appeal.pk

    # When the chairman publishes it
    response = chairman.post(f"{INDEX}{draft.pk}/publish/", follow=True)
    assert response.status_code == 200
    with tenant_context(union_a):
        appeal.refresh_from_db()
        draft.refresh_from_db()
        # Then the old version is retired, the new one published, and new cases follow it
        assert (appeal.status, draft.status) == ("retired", "published")
        assert draft.title == "职工诉求办理程序（星河版）" and draft.published_at is not None
        after, _ = case_open(kind="appeal", title="班车", description="增开班车", channel="web_form",
                             requester=worker)  # fmt: skip
        assert after.procedure_id == draft.pk
        assert [s.code for s in machine_for(draft).steps][3] == "review"
        assert Case.objects.get(pk=before.pk).procedure_id == appeal.pk  # open cases keep theirs
    # And the history lists both versions; the retired one is read-only
    history = chairman.get(f"{INDEX}{appeal.pk}/").content.decode()
    assert f"v{appeal.version}" in history and f"v{draft.version}" in history
    response = chairman.get(f"{INDEX}{appeal.pk}/edit/")
    assert response.status_code == 302 and response["Location"] == f"{INDEX}{appeal.pk}/"
    assert chairman.post(f"{INDEX}{appeal.pk}/edit/", data).status_code == 302
    with tenant_context(union_a):
        appeal.refresh_from_db()
        assert appeal.status == "retired" and "review" not in [s.code for s in machine_for(appeal).steps]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("second_start", "A procedure has exactly one start step."),
        ("dead_end", "Step “%(step)s” never leads to an end."),
        ("unknown_step", "A transition names a step that does not exist: %(step)s."),
        ("one_branch", "Decision “%(step)s” needs at least two branches."),
        ("duplicate", "The transition from “%(source)s” to “%(target)s” is given twice."),
    ],
)
def test_a_definition_that_cannot_run_is_refused_with_a_message_and_nothing_changes(
    union_a, sign_in, adopted, change, message
):
    chairman = sign_in(union_a, "chairman")
    with tenant_context(union_a):
        draft = procedure_adapt(procedure=adopted["appeal"])
        before = definition(draft)
        machine = machine_for(draft)
    steps = [{"code": s.code, "label": s.label, "role": s.role, "kind": s.kind, "days": s.days or "",
              "description": s.description} for s in machine.steps]  # fmt: skip
    ways = [
        {"source": a, "target": w.target, "label": w.label}
        for a, found in machine.ways.items()
        for w in found
    ]
    params: dict[str, str] = {}
    if change == "second_start":
        steps[2]["kind"] = "start"
    elif change == "dead_end":
        steps.append({"code": "extra", "label": "补充调查", "role": "officer", "kind": "task", "days": 3,
                      "description": ""})  # fmt: skip
        ways.append({"source": "handle", "target": "extra", "label": "需补充调查"})
        params = {"step": "补充调查"}
    elif change == "unknown_step":
        ways.append({"source": "handle", "target": "nowhere", "label": "转办"})
        params = {"step": "nowhere"}
    elif change == "one_branch":
        ways = [w for w in ways if not (w["source"] == "assess" and w["target"] == "reply")]
        params = {"step": "分析研判"}
    elif change == "duplicate":
        ways.append({"source": "handle", "target": "reply", "label": "再次"})
        params = {"source": "协调办理", "target": "答复职工"}
    with tenant_context(union_a):
        data = edit_data(draft, title="改过的标题", steps=steps, ways=ways)

    response = chairman.post(f"{INDEX}{draft.pk}/edit/", data)

    assert response.status_code == 400
    html = response.content.decode()
    assert "data-procedure-error" in html
    assert zh(message) % params in html.replace("&ldquo;", "“").replace("&rdquo;", "”")
    with tenant_context(union_a):
        draft.refresh_from_db()
        assert definition(draft) == before and draft.title != "改过的标题"


def test_form_errors_are_shown_on_their_fields_and_nothing_changes(union_a, sign_in, adopted):
    chairman = sign_in(union_a, "chairman")
    with tenant_context(union_a):
        draft = procedure_adapt(procedure=adopted["warning"])
        before = definition(draft)
        data = edit_data(draft, time_limit_days="0")
    data["steps-1-code"] = "核实 研判"  # not a slug
    response = chairman.post(f"{INDEX}{draft.pk}/edit/", data)
    assert response.status_code == 400
    assert 'class="pe-error"' in response.content.decode()
    with tenant_context(union_a):
        draft.refresh_from_db()
        assert definition(draft) == before and draft.time_limit_days == 7


def test_an_officer_reads_procedures_but_cannot_adopt_adapt_edit_or_publish(union_a, sign_in, adopted):
    officer = sign_in(union_a, "officer", name="李干事")
    with tenant_context(union_a):
        draft = procedure_adapt(procedure=adopted["appeal"])
    index = officer.get(INDEX)
    assert index.status_code == 200
    assert f"{INDEX}adopt/" not in index.content.decode()
    detail = officer.get(f"{INDEX}{draft.pk}/").content.decode()
    assert "<svg" in detail and f"{INDEX}{draft.pk}/publish/" not in detail
    # Wagtail answers a refused permission by sending the user back to the dashboard with a message.
    for refused in (
        officer.post(f"{INDEX}{draft.pk}/publish/"),
        officer.post(f"{INDEX}{adopted['appeal'].pk}/adapt/"),
        officer.get(f"{INDEX}{draft.pk}/edit/"),
        officer.post(f"{INDEX}{draft.pk}/edit/", {"title": "改"}),
        officer.post(f"{INDEX}adopt/"),
        officer.post(f"{INDEX}{draft.pk}/discard/"),
    ):
        assert refused.status_code in (302, 403)
        assert refused.status_code == 403 or refused["Location"] == "/admin/"
    with tenant_context(union_a):
        draft.refresh_from_db()
        assert draft.status == "draft"
        assert Procedure.objects.get(pk=adopted["appeal"].pk).status == "published"


@pytest.mark.parametrize("role", ["member", "mediator"])
def test_members_and_other_staff_cannot_reach_procedures(union_a, sign_in, adopted, role):
    client = sign_in(union_a, role, name="王职工")
    with tenant_context(union_a):
        draft = procedure_adapt(procedure=adopted["appeal"])
    for url in (INDEX, f"{INDEX}{draft.pk}/"):
        assert client.get(url).status_code in (302, 403, 404)
    assert client.post(f"{INDEX}{draft.pk}/publish/").status_code in (302, 403, 404)
    with tenant_context(union_a):
        draft.refresh_from_db()
        assert draft.status == "draft"
    if role == "mediator":  # has the admin, not this area
        menu = client.get("/admin/").content.decode()
        assert INDEX not in menu


def test_union_b_cannot_see_or_publish_union_a_procedures(union_a, union_b, sign_in, client_for, adopted):
    with tenant_context(union_a):
        draft = procedure_adapt(procedure=adopted["appeal"])
        Procedure.objects.filter(pk=draft.pk).update(title="星河专用草稿")
    b_chairman = sign_in(union_b, "chairman", name="刘主席")

    # Through union B's own admin: A's ids are not found there (B has no procedures at all)
    for url in (f"{INDEX}{draft.pk}/", f"{INDEX}{draft.pk}/edit/", f"{INDEX}{adopted['appeal'].pk}/"):
        response = b_chairman.get(url)
        assert response.status_code == 404 and "星河专用草稿" not in response.content.decode()
    assert b_chairman.post(f"{INDEX}{draft.pk}/publish/").status_code == 404
    assert b_chairman.post(f"{INDEX}{adopted['appeal'].pk}/adapt/").status_code == 404
    listing = b_chairman.get(INDEX).content.decode()
    assert "星河专用草稿" not in listing and KINDS["appeal"].default_title not in listing

    # With B's session on A's host: not signed in there
    b_chairman.defaults["HTTP_HOST"] = union_a.primary_host
    for response in (b_chairman.get(f"{INDEX}{draft.pk}/"), b_chairman.post(f"{INDEX}{draft.pk}/publish/")):
        assert response.status_code == 302 and "/login/" in response["Location"]

    with tenant_context(union_a):
        draft.refresh_from_db()
        assert draft.status == "draft"
    with tenant_context(union_b):
        assert not Procedure.objects.exists()


def test_a_draft_can_be_discarded_and_the_published_version_stays(union_a, sign_in, adopted):
    chairman = sign_in(union_a, "chairman")
    with tenant_context(union_a):
        draft = procedure_adapt(procedure=adopted["warning"])
    response = chairman.post(f"{INDEX}{draft.pk}/discard/")
    assert response.status_code == 302 and response["Location"] == INDEX
    with tenant_context(union_a):
        assert not Procedure.objects.filter(pk=draft.pk).exists()
        assert Procedure.objects.get(pk=adopted["warning"].pk).status == "published"
    # A published version cannot be discarded
    chairman.post(f"{INDEX}{adopted['warning'].pk}/discard/")
    with tenant_context(union_a):
        assert Procedure.objects.filter(pk=adopted["warning"].pk, status="published").exists()
