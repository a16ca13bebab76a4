"""Procedure flowcharts (亮程序), drawn on the server from the same definition the cases run under.

The federation asks every Workers' Home to publish each service's procedure as a flowchart. The
chart is made from ``machine_for(procedure)`` — the very steps and transitions the case state
machine enforces — so the chart on the wall never differs from practice.

Layout is Graphviz's ``dot`` (Debian's ``graphviz``), run as a subprocess on DOT text written
here: top to bottom, the start and end as rounded/oval terminals, decisions as diamonds, tasks
as boxes naming the step, the acting role and the time limit (calendar days), and every edge
labelled with its branch. Text is set in "Noto Sans CJK SC" (Debian's ``fonts-noto-cjk``, found
through fontconfig). The SVG is cleaned before anyone sees it: the XML prolog and doctype go (so
it can be inlined in a page), and only drawing elements and attributes are kept (no script, no
links, no event handlers, no external references).

Published and retired versions never change, so their SVG is cached (the key carries the
schema, the procedure, when it was published and ``FLOWCHART_VERSION``); a draft is drawn fresh.

Without ``dot`` nothing breaks: an error is logged once per process and the procedure is shown
as its ordered list of steps (``ProcedureChart.steps``; on posters ``text_svg``), which says the
same as the chart.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.cache import cache as django_cache
from django.utils import translation
from django.utils.translation import gettext

from tenants.users.roles import ROLE_LABELS
from workershome.tenancy import current_schema, on_portal

from .kinds import KINDS
from .models import Procedure, ProcedureStep
from .procedures import Machine, Step, machine_for

logger = logging.getLogger(__name__)

# Bump when the drawing changes, so cached charts are drawn again.
FLOWCHART_VERSION = 4
CACHE_SECONDS = 30 * 24 * 3600
DOT_TIMEOUT_SECONDS = 30
FONT = "Noto Sans CJK SC"
# What the SVG asks browsers and WeasyPrint for: the font dot measured with first.
FONT_FAMILIES = (
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'Noto Sans SC', 'PingFang SC', "
    "'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif"
)
# Characters per line before a label wraps (a Chinese character counts two).
LABEL_WIDTH = 18
BRANCH_WIDTH = 14

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
# What a dot drawing is made of; anything else is dropped.
_ALLOWED_TAGS = frozenset({"svg", "g", "title", "path", "polygon", "polyline", "ellipse", "circle", "rect",
                           "line", "text", "tspan"})  # fmt: skip
_ALLOWED_ATTRIBUTES = frozenset({
    "width", "height", "viewBox", "transform", "class", "points", "d", "cx", "cy", "rx", "ry", "r",
    "x", "y", "x1", "y1", "x2", "y2", "fill", "fill-opacity", "stroke", "stroke-width", "stroke-opacity",
    "stroke-dasharray", "stroke-linecap", "stroke-linejoin", "text-anchor", "font-family", "font-size",
    "font-weight", "font-style", "preserveAspectRatio", "dominant-baseline",
})  # fmt: skip
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
# Serialise SVG without "ns0:" prefixes.
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

# Colours: terminals green/grey, decisions amber, tasks white on dark ink (print well in grey too).
_STYLE: dict[str, str] = {
    ProcedureStep.Kind.START: 'shape=box, style="rounded,filled,bold", fillcolor="#e6f4ea", color="#1a7f37"',
    ProcedureStep.Kind.END: 'shape=ellipse, style="filled,bold", fillcolor="#eef1f4", color="#57606a"',
    ProcedureStep.Kind.DECISION: 'shape=diamond, style="filled", fillcolor="#fff8c5", color="#9a6700", margin="0.02,0.02"',
    ProcedureStep.Kind.TASK: 'shape=box, style="filled", fillcolor="#ffffff", color="#1f2328"',
}  # fmt: skip


class FlowchartUnavailable(RuntimeError):
    """``dot`` is missing or failed: the caller shows the procedure as a list of steps."""


# --- the procedure as text: what the chart says, in order ------------------------------------


@dataclass(frozen=True)
class ChartWay:
    """A way out of a step: its branch label and the step it leads to (and that step's number)."""

    label: str
    target_label: str
    target_number: int


@dataclass(frozen=True)
class ChartStep:
    """A step as a person reads it: number, label, who acts, within how many days, what happens."""

    number: int
    code: str
    label: str
    kind: str
    role: str
    role_label: str
    days: int | None
    description: str
    ways: tuple[ChartWay, ...]

    @property
    def days_label(self) -> str:
        return days_label(self.days)

    @property
    def kind_label(self) -> str:
        return (
            str(ProcedureStep.Kind(self.kind).label) if self.kind in ProcedureStep.Kind.values else self.kind
        )


@dataclass(frozen=True)
class ProcedureChart:
    """A procedure ready to show: its steps in reading order and its flowchart (``svg`` is
    ``None`` when the chart cannot be drawn; the steps then stand for it)."""

    procedure: Procedure
    steps: tuple[ChartStep, ...]
    svg: str | None

    @property
    def kind_label(self) -> str:
        spec = KINDS.get(self.procedure.kind)
        return str(spec.label) if spec else self.procedure.kind


def days_label(days: int | None) -> str:
    """The time limit as people read it, "2天": calendar days, never working days."""
    if days is None:
        return ""
    return gettext("%(days)d days") % {"days": days}


def role_label(role: str) -> str:
    return str(ROLE_LABELS.get(role, role))


def _reading_order(machine: Machine) -> list[Step]:
    """Steps from the start outwards (breadth first along the transitions, in definition order),
    ends last: the order a person follows the chart in."""
    by_code = {step.code: step for step in machine.steps}
    order: list[str] = []
    queue = deque(step.code for step in machine.steps if step.kind == ProcedureStep.Kind.START)
    while queue:
        code = queue.popleft()
        if code in by_code and code not in order:
            order.append(code)
            queue.extend(way.target for way in machine.ways_from(code))
    order += [code for code in by_code if code not in order]
    return sorted((by_code[code] for code in order), key=lambda step: step.kind == ProcedureStep.Kind.END)


def chart_steps(machine: Machine) -> tuple[ChartStep, ...]:
    """The procedure as an ordered, numbered list of steps with the ways out of each."""
    steps = _reading_order(machine)
    numbers = {step.code: index for index, step in enumerate(steps, start=1)}
    labels = {step.code: step.label for step in steps}
    return tuple(
        ChartStep(
            number=numbers[step.code],
            code=step.code,
            label=step.label,
            kind=step.kind,
            role=step.role,
            role_label=role_label(step.role),
            days=step.days,
            description=step.description,
            ways=tuple(
                ChartWay(way.label, labels.get(way.target, way.target), numbers.get(way.target, 0))
                for way in machine.ways_from(step.code)
            ),
        )
        for step in steps
    )


# --- DOT ---------------------------------------------------------------------------------------


def _clean_text(text: str) -> str:
    return _CONTROL.sub(" ", str(text or "")).strip()


def _html(text: str) -> str:
    """Text for a Graphviz HTML-like label: only &, <, > and " are special there."""
    return (
        _clean_text(text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )


def _width(ch: str) -> int:
    return 1 if ord(ch) < 0x2E80 else 2


def _wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` units (a Chinese character is two), at
    spaces where Latin text has them."""
    text = _clean_text(text)
    lines: list[str] = []
    line, used = "", 0
    for word in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+", text):
        size = sum(_width(ch) for ch in word.rstrip())
        if used and used + size > width:
            lines.append(line.rstrip())
            line, used = "", 0
            word = word.lstrip()
        line += word
        used += sum(_width(ch) for ch in word)
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _node_label(step: Step) -> str:
    title = "<BR/>".join(f"<B>{_html(line)}</B>" for line in _wrap(step.label, LABEL_WIDTH))
    facts = [role_label(step.role)] if step.role else []
    if step.days:
        facts.append(gettext("within %(days)s") % {"days": days_label(step.days)})
    if not facts:
        return f"<{title}>"
    # One fact a line: a narrow node keeps the chart narrow, and large on a phone.
    meta = "<BR/>".join(_html(str(fact)) for fact in facts)
    return f'<{title}<BR/><FONT POINT-SIZE="12" COLOR="#444444">{meta}</FONT>>'


def _edge_label(label: str) -> str:
    lines = _wrap(label, BRANCH_WIDTH)
    return "<" + "<BR/>".join(_html(line) for line in lines) + ">"


def _graph_body(machine: Machine, prefix: str) -> list[str]:
    ids = {step.code: f"{prefix}n{index}" for index, step in enumerate(machine.steps)}
    lines: list[str] = []
    for step in machine.steps:
        style = _STYLE.get(step.kind, _STYLE[ProcedureStep.Kind.TASK])
        lines.append(f"  {ids[step.code]} [{style}, label={_node_label(step)}];")
    starts = [ids[s.code] for s in machine.steps if s.kind == ProcedureStep.Kind.START]
    ends = [ids[s.code] for s in machine.steps if s.kind == ProcedureStep.Kind.END]
    if starts:
        lines.append(f"  {{ rank=source; {'; '.join(starts)}; }}")
    if ends:
        lines.append(f"  {{ rank=sink; {'; '.join(ends)}; }}")
    for step in machine.steps:
        for way in machine.ways_from(step.code):
            if way.target not in ids:
                continue
            label = f", label={_edge_label(way.label)}" if _clean_text(way.label) else ""
            lines.append(f"  {ids[step.code]} -> {ids[way.target]} [{label.lstrip(', ')}];")
    return lines


_HEAD = f"""digraph procedure {{
  graph [rankdir=TB, fontname="{FONT}", fontsize=16, nodesep=0.35, ranksep=0.45, pad=0.15,
         bgcolor="white", newrank=true];
  node [fontname="{FONT}", fontsize=15, penwidth=1.6, margin="0.18,0.08", fontcolor="#1f2328"];
  edge [fontname="{FONT}", fontsize=13, color="#57606a", fontcolor="#1f2328", penwidth=1.3,
        arrowsize=0.8];
"""


def flowchart_dot(machine: Machine) -> str:
    """DOT text of one procedure's chart."""
    with translation.override("zh-hans"):
        return _HEAD + "\n".join(_graph_body(machine, "")) + "\n}\n"


def flowchart_dot_many(charts: Sequence[tuple[str, Machine]]) -> str:
    """DOT text of several procedures, each in a titled frame, side by side (for a poster that
    shows every procedure of one service)."""
    with translation.override("zh-hans"):
        parts = [_HEAD]
        for index, (title, machine) in enumerate(charts):
            title_html = "<BR/>".join(f"<B>{_html(line)}</B>" for line in _wrap(title, 24))
            parts.append(
                f"  subgraph cluster_{index} {{\n"
                f'  graph [label=<{title_html}>, labelloc=t, fontsize=18, style="rounded", color="#8c959f",'
                f" margin=14];\n"
            )
            parts.append("\n".join(_graph_body(machine, f"p{index}")))
            parts.append("\n  }\n")
        parts.append("}\n")
        return "".join(parts)


def _dot_path() -> str | None:
    """Looked up each time a chart is drawn (rarely: charts are cached), so installing Graphviz
    takes effect without a restart."""
    return shutil.which("dot")


_reported: set[str] = set()


def _report(reason: str, detail: str) -> None:
    """Log why charts cannot be drawn: once per process and reason, as an error an operator sees."""
    if reason not in _reported:
        _reported.add(reason)
        logger.error("Procedure flowcharts cannot be drawn (%s): %s", reason, detail)


def dot_to_svg(source: str, *, label: str = "") -> str:
    """Run Graphviz's ``dot -Tsvg`` on ``source`` and return the cleaned SVG.

    Raises :class:`FlowchartUnavailable` (after logging why) when ``dot`` is not installed,
    fails or takes too long.
    """
    dot = _dot_path()
    if dot is None:
        _report(
            "missing",
            "Graphviz's `dot` is not installed; procedures are shown as lists of steps. "
            "Install Debian's graphviz package (deploy/system-packages.sh does).",
        )
        raise FlowchartUnavailable("dot is not installed")
    try:
        result = subprocess.run(
            [dot, "-Tsvg"], input=source.encode("utf-8"), capture_output=True,
            timeout=DOT_TIMEOUT_SECONDS, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as exc:
        _report("failed", f"{dot}: {exc}")
        raise FlowchartUnavailable(str(exc)) from exc
    if result.returncode != 0 or not result.stdout:
        detail = result.stderr.decode("utf-8", "replace")[-2000:]
        _report("failed", f"{dot} exited with {result.returncode}: {detail}")
        raise FlowchartUnavailable(detail)
    return svg_clean(result.stdout.decode("utf-8"), label=label)


# --- cleaning the SVG ---------------------------------------------------------------------------


def svg_clean(svg: str, *, label: str = "") -> str:
    """The SVG without prolog, doctype and comments, reduced to drawing elements and attributes:
    no script, no foreign content, no links or event handlers, no ids (several charts share a
    page), fonts with fallbacks. ``label`` becomes its accessible name (``role="img"``)."""
    body = svg[svg.find("<svg") :] if "<svg" in svg else ""
    if not body or "<!ENTITY" in svg:
        raise FlowchartUnavailable("not an SVG drawing")
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise FlowchartUnavailable(f"not an SVG drawing: {exc}") from exc
    if root.tag != f"{{{SVG_NS}}}svg":
        raise FlowchartUnavailable("not an SVG drawing")
    _prune(root)
    root.set("role", "img")
    if label:
        root.set("aria-label", _clean_text(label))
    root.set("focusable", "false")
    # ElementTree's prefix registry is global and other libraries change it (WeasyPrint's PDF
    # metadata registers its own): registered at import time only, <svg> could come out as
    # <ns0:svg>, an element no browser draws. So SVG is made the default again right here.
    ET.register_namespace("", SVG_NS)
    ET.register_namespace("xlink", XLINK_NS)
    text = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return text.replace("\n\n", "\n")


def _prune(element: ET.Element) -> None:
    for child in list(element):
        tag = child.tag.rpartition("}")[2] if isinstance(child.tag, str) else ""
        if (
            not isinstance(child.tag, str)
            or not child.tag.startswith(f"{{{SVG_NS}}}")
            or tag not in _ALLOWED_TAGS
        ):
            element.remove(child)
            continue
        if tag == "title" and element.tag != f"{{{SVG_NS}}}svg":
            element.remove(child)  # node names ("n3") mean nothing to a reader
            continue
        _prune(child)
    for name in list(element.attrib):
        value = element.attrib[name]
        lowered = value.lower().replace(" ", "")
        if name not in _ALLOWED_ATTRIBUTES or "url(" in lowered or "javascript:" in lowered:
            del element.attrib[name]
        elif name == "font-family":
            element.attrib[name] = FONT_FAMILIES


# --- the charts of procedures, cached ------------------------------------------------------------


def flowchart_cache_key(procedure: Procedure, *, variant: str = "") -> str:
    """Where a chart is cached: the schema, the procedure and when it was published name one
    immutable drawing in one union (a reprovisioned union reusing an id gets a new key)."""
    return (
        f"cases:flowchart:v{FLOWCHART_VERSION}:{current_schema()}:{procedure.pk}:{_stamp(procedure)}{variant}"
    )


def _stamp(procedure: Procedure) -> str:
    published = procedure.published_at.isoformat() if procedure.published_at else "-"
    return hashlib.sha1(published.encode()).hexdigest()[:10]


def procedure_flowchart_svg(procedure: Procedure) -> str | None:
    """The flowchart of ``procedure`` as inline SVG, or ``None`` when ``dot`` is unavailable.

    Published and retired versions are cached; a draft (being edited) is drawn fresh.
    """
    cacheable = procedure.status != Procedure.Status.DRAFT
    key = flowchart_cache_key(procedure)
    if cacheable:
        cached = django_cache.get(key)
        if cached is not None:
            return cached
    try:
        svg = dot_to_svg(flowchart_dot(machine_for(procedure)), label=procedure.title)
    except FlowchartUnavailable:
        return None
    if cacheable:
        django_cache.set(key, svg, CACHE_SECONDS)
    return svg


def _attr(text: str) -> str:
    return (
        _clean_text(text)
        .replace("&", "&amp;")
        .replace('"', "&quot;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )


def procedure_chart(procedure: Procedure) -> ProcedureChart:
    """``procedure`` ready to show: numbered steps (in the page's language; the chart, cached
    for everyone, is in Chinese like the steps' own names) and, if it can be drawn, its flowchart."""
    steps = chart_steps(machine_for(procedure))
    return ProcedureChart(procedure=procedure, steps=steps, svg=procedure_flowchart_svg(procedure))


def procedures_poster_svg(procedures: Iterable[Procedure]) -> str | None:
    """One SVG with the charts of ``procedures`` side by side, each titled, for a wall poster.

    Without ``dot`` the poster gets the same procedures as numbered lists of steps drawn as SVG
    text (:func:`text_svg`), never nothing: a procedure that is published is shown.
    """
    procedures = list(procedures)
    if not procedures:
        return None
    variant = ":poster:" + ",".join(f"{p.pk}@{_stamp(p)}" for p in procedures[1:])
    cacheable = all(p.status != Procedure.Status.DRAFT for p in procedures)
    key = flowchart_cache_key(procedures[0], variant=variant)
    if cacheable:
        cached = django_cache.get(key)
        if cached is not None:
            return cached
    charts = [(p.title, machine_for(p)) for p in procedures]
    try:
        svg = dot_to_svg(flowchart_dot_many(charts), label="；".join(p.title for p in procedures))
    except FlowchartUnavailable:
        return text_svg(charts)
    if cacheable:
        django_cache.set(key, svg, CACHE_SECONDS)
    return svg


def text_svg(charts: Sequence[tuple[str, Machine]]) -> str:
    """The procedures as numbered lists of steps, set as SVG text (what a poster shows when the
    layout engine is missing): each step with its role, time limit and where each branch leads."""
    with translation.override("zh-hans"):
        lines: list[tuple[str, int, str]] = []  # (text, size, weight)
        for title, machine in charts:
            lines.append((title, 20, "bold"))
            for step in chart_steps(machine):
                facts = " · ".join(filter(None, [step.role_label, days_label(step.days)]))
                lines.append((f"{step.number}. {step.label}（{facts}）" if facts else f"{step.number}. {step.label}",
                              15, "bold"))  # fmt: skip
                for way in step.ways:
                    text = f"{way.label}：" if way.label else ""
                    lines.append((f"    → {text}{way.target_number}. {way.target_label}", 13, "normal"))
            lines.append(("", 10, "normal"))
    y, parts, width = 10, [], 0
    for text, size, weight in lines:
        y += int(size * 1.6)
        width = max(width, sum(_width(ch) for ch in text) * size // 2 + 20)
        if text:
            parts.append(
                f'<text x="10" y="{y}" font-size="{size}" font-weight="{weight}" '
                f'font-family="{FONT_FAMILIES}" xml:space="preserve">{_attr(text)}</text>'
            )
    return (
        f'<svg xmlns="{SVG_NS}" width="{width}pt" height="{y + 10}pt" viewBox="0 0 {width} {y + 10}" '
        f'role="img">' + "".join(parts) + "</svg>"
    )


def published_procedures(kinds: Iterable[str]) -> list[Procedure]:
    """The published procedures of ``kinds``, in the order of ``KINDS`` (one query; none on the
    federation portal, which has no cases)."""
    kinds = list(kinds)
    if on_portal() or not kinds:
        return []
    found = {p.kind: p for p in Procedure.objects.filter(kind__in=kinds, status=Procedure.Status.PUBLISHED)}
    return [found[kind] for kind in KINDS if kind in found]


def published_charts_by_duty() -> dict[str, list[ProcedureChart]]:
    """The current union's published procedures, ready to show, by the service duty their kind
    serves (in the order of ``KINDS``). Nothing on the federation portal, which has no cases."""
    if on_portal():
        return {}
    published = {p.kind: p for p in Procedure.objects.filter(status=Procedure.Status.PUBLISHED)}
    charts: dict[str, list[ProcedureChart]] = {}
    for kind, spec in KINDS.items():
        if kind in published:
            charts.setdefault(spec.duty, []).append(procedure_chart(published[kind]))
    return charts
