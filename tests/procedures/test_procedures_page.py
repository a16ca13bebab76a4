"""The union's procedures page (亮程序) and its wall poster: each service shows the flowcharts of the
procedures its union has published, with the steps in words; before adoption it says they are not
yet published; one union never sees another's chart."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.db import connection
from django.utils import translation
from django_tenants.utils import tenant_context

from cms.demo import site_demo_fill
from cms.models import ServiceDuty, ServiceIndexPage, ServiceItemPage
from cms.posters import poster_pdf
from tenants.cases.kinds import KINDS, kinds_for_duty
from tenants.cases.models import Procedure
from tenants.cases.procedure_drafts import procedure_draft_update
from tenants.cases.procedures import (
    machine_for,
    procedure_adapt,
    procedure_publish,
    procedures_adopt_defaults,
)
from tenants.registry.demo_data import UNIONS
from tenants.users.roles import ROLE_LABELS

pytestmark = pytest.mark.django_db
APPEALS_SERVICE = "倾听呼声 反映诉求"  # the demo site's appeals service
# Duties no kind of case serves yet (the demo site has one service per duty).
DUTIES_WITHOUT_KINDS = [duty for duty in ServiceDuty.values if not kinds_for_duty(duty)]


@pytest.fixture
def site_a(union_a, client_for):
    """Union A with the demo site (six services, one per duty)."""
    with tenant_context(union_a):
        site_demo_fill(spec=UNIONS[0], index=0)
    return client_for(union_a)


def main_html(response) -> str:
    assert response.status_code == 200
    return response.content.decode().split('<main id="main">', 1)[1]


def test_before_adoption_every_service_says_its_flowchart_is_not_yet_published(site_a):
    html = main_html(site_a.get("/procedures/"))
    assert html.count('class="procedure-state"') == 6
    assert "<svg" not in html
    for spec in KINDS.values():
        assert spec.default_title not in html


def test_after_adoption_the_appeals_service_shows_its_charts_and_steps(site_a, union_a):
    with tenant_context(union_a):
        procedures_adopt_defaults()
    html = main_html(site_a.get("/procedures/"))
    appeals = [spec for spec in KINDS.values() if spec.duty == "appeals"]
    # the appeals service's charts, and those of duties without a service page (listed after)
    assert html.count("<svg") == len(KINDS)
    assert html.count('class="procedure-state"') == len(DUTIES_WITHOUT_KINDS)  # none defined yet
    appeals_section = html.split(APPEALS_SERVICE, 1)[1].split('<section class="card"', 1)[0]
    for spec in appeals:
        assert spec.default_title in appeals_section
        for step in spec.steps:
            assert step.label in appeals_section
            if step.description:
                assert step.description in appeals_section
        for _a, _b, branch in spec.transitions:
            assert branch in appeals_section
    assert str(ROLE_LABELS["chairman"]) in html
    assert "<script" not in html.lower()


def test_procedures_of_a_duty_without_a_service_page_are_listed_too(union_a, client_for):
    # A new union has no service items yet; its adopted procedures are still published.
    with tenant_context(union_a):
        procedures_adopt_defaults()
    html = main_html(client_for(union_a).get("/procedures/"))
    assert html.count("<svg") == len(KINDS)
    for spec in KINDS.values():
        assert spec.default_title in html
    assert 'class="procedure-state"' not in html


def test_the_page_costs_few_queries_however_many_services(
    site_a, union_a, settings, django_assert_max_num_queries
):
    settings.TENANT_LIMIT_SET_CALLS = True
    with tenant_context(union_a):
        procedures_adopt_defaults()
    assert site_a.get("/procedures/").status_code == 200  # charts drawn and cached
    with django_assert_max_num_queries(15) as few:  # as the home page: Wagtail's routing and the menu
        site_a.get("/procedures/")
    procedure_reads = [q for q in few.captured_queries if "cases_procedure" in q["sql"]]
    assert len(procedure_reads) == 1  # steps, transitions and charts come from caches
    with tenant_context(union_a):
        services = ServiceIndexPage.objects.get()
        for n in range(4):
            page = ServiceItemPage(
                title=f"诉求服务{n}", slug=f"appeals-{n}", duty="appeals", summary="反映诉求"
            )
            services.add_child(instance=page)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = main_html(site_a.get("/procedures/"))
    appeals = kinds_for_duty("appeals")
    assert html.count("<svg") == len(appeals) * 5 + len(KINDS) - len(appeals)


def test_union_b_never_shows_union_a_chart_even_with_the_same_procedure_id(union_a, union_b, client_for):
    # Given union A has published its own version of the appeal procedure with its own step
    with tenant_context(union_a):
        procedures_adopt_defaults()
        draft = procedure_adapt(procedure=Procedure.objects.get(kind="appeal", status="published"))
        machine = machine_for(draft)
        steps = [s if s.code != "handle" else s.__class__(s.code, "星河专班协调", s.role, s.kind, s.days, "")
                 for s in machine.steps]  # fmt: skip
        ways = [(a, w.target, w.label) for a, found in machine.ways.items() for w in found]
        procedure_draft_update(procedure=draft, title="星河职工诉求办理程序", summary="", time_limit_days=15,
                               steps=steps, ways=ways)  # fmt: skip
        ours = procedure_publish(procedure=draft)
    a_html = main_html(client_for(union_a).get("/procedures/"))
    assert "星河专班协调" in a_html  # A's chart is drawn and cached

    # And union B's appeal procedure has the very same id and publication time
    with tenant_context(union_b):
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('cases_procedure', 'id'), %s, false)", [ours.pk]
            )
        theirs = procedures_adopt_defaults(kinds=["appeal"])[0]
        assert theirs.pk == ours.pk
        Procedure.objects.filter(pk=theirs.pk).update(published_at=ours.published_at)

    # Then B's page shows B's own procedure, never A's
    b_html = main_html(client_for(union_b).get("/procedures/"))
    assert "星河专班协调" not in b_html and "星河职工诉求办理程序" not in b_html
    assert "协调办理" in b_html and KINDS["appeal"].default_title in b_html


def pdf_text(pdf: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_the_procedures_poster_shows_the_real_charts(union_a, media_root):
    with tenant_context(union_a):
        site_demo_fill(spec=UNIONS[0], index=0)
        procedures_adopt_defaults()
        service = ServiceItemPage.objects.get(duty="appeals")
        with translation.override("zh-hans"):
            one = poster_pdf(kind="procedures", size="A3", page=service)
            every = poster_pdf(kind="procedures", size="A4")
    text = pdf_text(one)
    assert len(pypdf.PdfReader(io.BytesIO(one)).pages) == 1
    for spec in kinds_for_duty("appeals"):  # the appeals service's sheet
        assert spec.default_title in text
        for step in spec.steps:
            assert step.label in text
        for _a, _b, branch in spec.transitions:
            assert branch in text
    # The whole set: each service with procedures on its own sheet, then those not yet published.
    reader = pypdf.PdfReader(io.BytesIO(every))
    charted = len(ServiceDuty.values) - len(DUTIES_WITHOUT_KINDS)
    assert len(reader.pages) == charted + (1 if DUTIES_WITHOUT_KINDS else 0)
    assert "登记受理" in re.sub(r"\s+", "", reader.pages[0].extract_text())


def test_the_service_page_links_to_its_published_procedures(site_a, union_a):
    before = main_html(site_a.get("/services/appeals/"))
    with tenant_context(union_a):
        not_yet = translation.gettext("The procedure of this service as a flowchart is not yet published.")
        service = ServiceItemPage.objects.get(duty="appeals")
        procedures_adopt_defaults()
    assert not_yet in before
    after = main_html(site_a.get("/services/appeals/"))
    assert not_yet not in after
    for spec in KINDS.values():
        if spec.duty == "appeals":
            assert f'<a href="/procedures/#service-{service.pk}">{spec.default_title}</a>' in after
