"""The flowchart (亮程序) is drawn from the procedure cases run under: every step and branch of
every kind's default procedure is on it, it is clean inline SVG, it is cached per union, and
without Graphviz the procedure is still shown, as its steps in order."""

from __future__ import annotations

import logging
import subprocess
import xml.etree.ElementTree as ET

import pytest
from django.core.cache import cache
from django_tenants.utils import tenant_context

from tenants.cases import flowchart
from tenants.cases.flowchart import (
    chart_steps,
    flowchart_cache_key,
    procedure_chart,
    procedure_flowchart_svg,
    procedures_poster_svg,
    svg_clean,
)
from tenants.cases.kinds import KINDS
from tenants.cases.models import Procedure
from tenants.cases.procedure_drafts import procedure_draft_update
from tenants.cases.procedures import Step, machine_for, procedure_adapt
from tenants.users.roles import ROLE_LABELS

pytestmark = pytest.mark.django_db
SVG = "{http://www.w3.org/2000/svg}"


def svg_text(svg: str) -> str:
    """All the text of an SVG drawing, in document order (a wrapped label reads as one)."""
    root = ET.fromstring(svg)  # valid XML, or this raises
    return "".join("".join(element.itertext()) for element in root.iter(f"{SVG}text"))


def assert_clean(svg: str) -> None:
    lowered = svg.lower()
    assert svg.startswith("<svg") and "<?xml" not in svg and "<!doctype" not in lowered
    assert "<script" not in lowered and "javascript:" not in lowered and "foreignobject" not in lowered
    root = ET.fromstring(svg)
    for element in root.iter():
        assert not [name for name in element.attrib if name.lower().startswith("on")], element.attrib
        assert "href" not in "".join(element.attrib)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_chart_of_every_default_procedure_has_every_step_and_branch(adopted, union_a, kind):
    spec = KINDS[kind]
    with tenant_context(union_a):
        svg = procedure_flowchart_svg(adopted[kind])
    assert svg is not None
    assert_clean(svg)
    text = svg_text(svg)
    for step in spec.steps:
        assert step.label in text, step.label
        assert str(ROLE_LABELS[step.role]) in text
    for _source, _target, branch in spec.transitions:
        assert branch in text, branch
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and root.get("aria-label") == spec.default_title
    # Decisions are diamonds (four-cornered polygons), and there is one edge per transition.
    assert len(root.findall(f".//{SVG}g[@class='edge']")) == len(spec.transitions)
    decisions = [s for s in spec.steps if s.kind == "decision"]
    diamonds = [
        p
        for p in root.iter(f"{SVG}polygon")
        if len(p.get("points", "").split()) == 5 and p.get("fill") == "#fff8c5"
    ]
    assert len(diamonds) == len(decisions)


def test_time_limits_are_calendar_days(adopted, union_a):
    with tenant_context(union_a):
        steps = chart_steps(machine_for(adopted["appeal"]))
        svg = procedure_flowchart_svg(adopted["appeal"])
    handle = next(step for step in steps if step.code == "handle")
    assert handle.days == 10 and "10" in handle.days_label
    assert handle.days_label in svg_text(svg)
    assert "工作日" not in svg_text(svg)


def test_the_steps_in_words_follow_the_chart(adopted, union_a):
    with tenant_context(union_a):
        steps = chart_steps(machine_for(adopted["proposal"]))
    assert [step.code for step in steps] == [
        "received",
        "screening",
        "evaluation",
        "implementation",
        "closed",
    ]
    assert [step.number for step in steps] == [1, 2, 3, 4, 5]
    screening = steps[1]
    assert [(way.label, way.target_number, way.target_label) for way in screening.ways] == [
        ("符合条件", 3, "评审打分"),
        ("不予立项", 5, "公布结果"),
    ]
    assert steps[2].role_label == str(ROLE_LABELS["chairman"])


def test_labels_are_escaped_and_nothing_active_reaches_the_svg(adopted, union_a):
    hostile = '<script>alert(1)</script> & "引号"'
    with tenant_context(union_a):
        draft = procedure_adapt(procedure=adopted["warning"])
        machine = machine_for(draft)
        steps = [
            Step(s.code, hostile if s.code == "resolve" else s.label, s.role, s.kind, s.days, s.description)
            for s in machine.steps
        ]
        ways = [(a, w.target, "<b onclick=x>" if a == "verify" and w.target == "resolve" else w.label)
                for a, found in machine.ways.items() for w in found]  # fmt: skip
        draft = procedure_draft_update(
            procedure=draft, title='预警 <img src=x onerror="alert(1)">', summary="", time_limit_days=7,
            steps=steps, ways=ways,
        )  # fmt: skip
        svg = procedure_flowchart_svg(draft)
    assert_clean(svg)
    text = svg_text(svg)
    assert "<script>alert(1)</script>" in text and "<b onclick=x>" in text  # shown as text, not markup
    assert "<script" not in svg and "<img" not in svg


def test_the_cleaner_drops_scripts_handlers_links_and_foreign_content():
    dirty = (
        '<?xml version="1.0"?><!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "x.dtd">'
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)" '
        'width="10pt" height="10pt" viewBox="0 0 10 10"><script>alert(2)</script>'
        '<g id="node1" class="node" onclick="alert(3)"><title>n1</title>'
        '<a xlink:href="javascript:alert(4)"><text x="1" y="1">链接</text></a>'
        '<polygon points="0,0 1,1" fill="url(http://evil/x)" stroke="black"/>'
        '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'
        '<text x="1" y="2" font-family="Times">保留</text></g></svg>'
    )
    svg = svg_clean(dirty, label="测试")
    assert_clean(svg)
    assert "链接" not in svg and "保留" in svg and "alert" not in svg and "evil" not in svg
    assert 'id="' not in svg and "<title>" not in svg  # several charts share a page
    assert "Noto Sans CJK SC" in svg and 'aria-label="测试"' in svg


def test_published_charts_are_cached_per_union_and_drafts_are_drawn_fresh(adopted, union_a, monkeypatch):
    runs = []
    real_run = subprocess.run

    def counting_run(*args, **kwargs):
        runs.append(args[0])
        return real_run(*args, **kwargs)

    monkeypatch.setattr(flowchart.subprocess, "run", counting_run)
    with tenant_context(union_a):
        published = adopted["appeal"]
        first = procedure_flowchart_svg(published)
        assert procedure_flowchart_svg(Procedure.objects.get(pk=published.pk)) == first
        assert len(runs) == 1
        key = flowchart_cache_key(published)
        assert union_a.schema_name in key and str(published.pk) in key
        assert cache.get(key) == first
        draft = procedure_adapt(procedure=published)
        procedure_flowchart_svg(draft)
        procedure_flowchart_svg(draft)
        assert len(runs) == 3


def test_without_dot_the_procedure_is_shown_as_its_steps_and_the_error_is_logged(
    adopted, union_a, monkeypatch, caplog
):
    monkeypatch.setattr(flowchart, "_dot_path", lambda: None)
    monkeypatch.setattr(flowchart, "_reported", set())
    with tenant_context(union_a), caplog.at_level(logging.ERROR, logger="tenants.cases.flowchart"):
        chart = procedure_chart(adopted["appeal"])
        poster = procedures_poster_svg([adopted["appeal"], adopted["warning"]])
    assert chart.svg is None
    assert [step.label for step in chart.steps] == [
        "登记受理",
        "分析研判",
        "协调办理",
        "答复职工",
        "办结归档",
    ]
    assert any("graphviz" in record.getMessage().lower() for record in caplog.records)
    assert caplog.records[0].levelno == logging.ERROR
    # The poster still shows both procedures, in words.
    assert poster is not None
    text = svg_text(poster)
    for kind in ("appeal", "warning"):
        spec = KINDS[kind]
        assert spec.default_title in text
        for step in spec.steps:
            assert step.label in text
        for _a, _b, branch in spec.transitions:
            assert branch in text
    with tenant_context(union_a):
        assert cache.get(flowchart_cache_key(adopted["appeal"])) is None  # nothing cached meanwhile


def test_the_poster_chart_has_every_procedure_of_the_duty_titled(adopted, union_a):
    with tenant_context(union_a):
        svg = procedures_poster_svg(list(adopted.values()))
    assert_clean(svg)
    text = svg_text(svg)
    for spec in KINDS.values():
        assert spec.default_title in text
        for step in spec.steps:
            assert step.label in text


def test_the_chart_stays_plain_svg_whatever_another_library_did_to_the_xml_namespace_registry(union_a):
    import xml.etree.ElementTree as ET

    from tenants.cases.flowchart import svg_clean

    ET.register_namespace("", "http://example.org/other")  # as a PDF library's metadata might
    try:
        svg = svg_clean('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><text>环节</text></svg>')
    finally:
        ET.register_namespace("", "http://www.w3.org/2000/svg")
    assert svg.startswith("<svg ") and "ns0" not in svg and "<text>环节</text>" in svg
