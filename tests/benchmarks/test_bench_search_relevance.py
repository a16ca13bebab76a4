"""Benchmark (2) of the search issue: relevance of the platform's search beside PostgreSQL ILIKE.

Corpus: two unions filled by the demo generator (``tests/search/pages_corpus.demo_corpus_fill``:
the union websites, procedures, interest groups, rooms, shared books, activities, the
counselling lecture and training courses; each union's names, people and colour differ): about
100 public documents.

Both methods search the same documents, the portal's way (every union's public content):
- the platform: ``search_run(text=…, audience=Audience.portal())``, indexed through the
  platform's own pipeline (``union_documents_index``) on the embedded engine;
- the baseline: the same documents (title, body, keywords, as ``document()`` renders them) in a
  PostgreSQL table, searched the way a site without a search engine would:
  ``title ILIKE '%q%' OR body ILIKE '%q%' OR keywords ILIKE '%q%'``, title matches first, newest
  first.

Each of the labelled queries below names the documents (kind, title) a worker asking it wants.
Precision at 5 = relevant documents among the first five / min(5, relevant documents in the
corpus), so a query with two wanted documents (four, over two unions) can still score 1. The
mean over the queries is reported; the goal is at least 0.8 and above ILIKE.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from search.query import Audience, search_run
from search.registry import sources
from tests.search.fixtures import search_engine, search_index  # noqa: F401
from tests.search.pages_corpus import demo_corpus_fill, search_index_fill

pytestmark = [pytest.mark.benchmark, pytest.mark.django_db]

Doc = tuple[str, str]  # (kind, title)

ROOM_MEDIATION = ("room", "劳动争议调解室")
ROOM_RELIEF = ("room", "职工减压室")
ROOM_CENTRE = ("room", "职工活动中心")
ROOM_LIBRARY = ("room", "职工书屋")
PROC_MEDIATION = ("procedure", "劳动争议调解程序")
PROC_COUNSELLING = ("procedure", "职工心理疏导程序")
PROC_HARDSHIP = ("procedure", "困难职工帮扶程序")
PROC_APPEAL = ("procedure", "职工诉求办理程序")
PROC_PROPOSAL = ("procedure", "合理化建议办理程序")
PROC_WARNING = ("procedure", "群体性事件预警处置程序")
SVC_MEDIATION = ("service", "劳动争议调解和法律援助")
SVC_COUNSELLING = ("service", "心理疏导")
SVC_HARDSHIP = ("service", "困难职工帮扶")
SVC_APPEALS = ("service", "倾听呼声 反映诉求")
SVC_SKILLS = ("service", "技能培训和职工书屋")
SVC_ACTIVITIES = ("service", "文体活动和兴趣小组")
RULE_MEDIATION = ("rule", "劳动争议调解工作制度")
RULE_RECEPTION = ("rule", "主席接待日制度")
RULE_HOME = ("rule", "职工之家管理制度")
RULE_DUTIES = ("rule", "职工之家工作人员分工")
LECTURE = ("activity", "心理健康讲座：职场压力管理")
NEWS_LECTURE = ("bulletin", "心理健康讲座：职场压力与情绪管理")
LAW_LECTURE = ("activity", "劳动法知识讲座：加班费与带薪年休假")

#: Query -> the documents a worker asking it wants.
LABELLED: dict[str, set[Doc]] = {
    "调解": {ROOM_MEDIATION, PROC_MEDIATION, SVC_MEDIATION, RULE_MEDIATION},
    "心理": {SVC_COUNSELLING, PROC_COUNSELLING, LECTURE, NEWS_LECTURE, ROOM_RELIEF},
    "篮球": {
        ("interest_group", "篮球队"),
        ("activity", "周六篮球赛"),
        ("bulletin", "周六职工篮球友谊赛报名"),
    },
    "羽毛球": {("interest_group", "羽毛球小组"), ROOM_CENTRE},
    "减压": {ROOM_RELIEF, SVC_COUNSELLING, LECTURE, NEWS_LECTURE, PROC_COUNSELLING},
    "法律援助": {SVC_MEDIATION, PROC_MEDIATION},
    "加班费": {LAW_LECTURE},
    "年休假": {LAW_LECTURE},
    "困难帮扶": {SVC_HARDSHIP, PROC_HARDSHIP, ("brand", "码上关爱")},
    "合理化建议": {PROC_PROPOSAL, ("bulletin", "关于开展本年度职工合理化建议活动的通知")},
    "主席接待日": {RULE_RECEPTION, ("bulletin", "本月主席接待日安排"), SVC_APPEALS},
    "电工": {("course", "电工技能提升班（中级）")},
    "安全生产": {("course", "安全生产培训：有限空间作业与应急处置")},
    "Excel": {("course", "办公软件应用：Excel与WPS表格数据处理"), ("activity", "Excel数据处理技能交流")},
    "专升本": {("course", "学历提升：成人高考（专升本）考前辅导")},
    "书法": {("interest_group", "书法社")},
    "摄影": {("interest_group", "摄影协会")},
    "读书会": {("interest_group", "读书会")},
    "三体": {("book", "《三体》")},
    "路遥": {("book", "《平凡的世界（普及本）》")},
    "余华 活着": {("book", "《活着》")},
    "科幻小说": {("book", "《三体》")},
    "运动会": {("activity", "春季职工趣味运动会")},
    "合唱": {("activity", "职工合唱团排练"), SVC_ACTIVITIES},
    "亲子活动": {("activity", "亲子手工坊：做一盏中秋灯笼"), ("activity", "周末亲子阅读会")},
    "志愿服务": {("activity", "社区敬老志愿服务")},
    "诉求": {PROC_APPEAL, SVC_APPEALS, RULE_RECEPTION},
    "群体性事件": {PROC_WARNING},
    "预警": {PROC_WARNING},
    "爱心妈咪小屋": {ROOM_RELIEF},
    "工作人员分工": {RULE_DUTIES},
    "管理制度": {RULE_HOME, RULE_MEDIATION, RULE_RECEPTION},
    "劳动合同 咨询": {SVC_MEDIATION, LAW_LECTURE},
    "调解 受理": {PROC_MEDIATION, RULE_MEDIATION},
    "心理咨询师": {SVC_COUNSELLING, PROC_COUNSELLING, LECTURE, NEWS_LECTURE, ROOM_RELIEF},
    "职工书屋 借阅": {ROOM_LIBRARY, SVC_SKILLS},
}

_TABLE = "search_bench_corpus"


def corpus_table_fill(unions) -> int:
    """The documents of ``unions`` (as their sources render them) in a temporary table."""
    rows = []
    for union in unions:
        with tenant_context(union):
            for source in sources():
                if source.visibility != "public" or source.schema != "union":
                    continue
                for row in source.queryset():
                    document = source.document(row)
                    if document is not None:
                        rows.append((union.schema_name, source.kind, document.title, document.body,
                                     " ".join(document.keywords), document.date))  # fmt: skip
    with schema_context("public"), connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE {_TABLE} (id serial, union_schema text, kind text, title text, body text, "
            "keywords text, date date)"
        )
        cursor.executemany(
            f"INSERT INTO {_TABLE} (union_schema, kind, title, body, keywords, date) VALUES (%s, %s, %s, %s, %s, %s)",
            rows,
        )
    return len(rows)


def ilike_top(text: str, n: int = 5) -> list[Doc]:
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT kind, title FROM {_TABLE} WHERE title ILIKE %s OR body ILIKE %s OR keywords ILIKE %s "
            "ORDER BY (title ILIKE %s) DESC, date DESC NULLS LAST, id LIMIT %s",
            [pattern, pattern, pattern, pattern, n],
        )
        return [(kind, title) for kind, title in cursor.fetchall()]


def relevant_count(wanted: set[Doc]) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT kind, title FROM {_TABLE}")
        return sum(1 for row in cursor.fetchall() if tuple(row) in wanted)


def precision_at_5(found: list[Doc], wanted: set[Doc], available: int) -> float:
    if not available:
        return 0.0
    return sum(1 for doc in found[:5] if doc in wanted) / min(5, available)


def test_bench_search_relevance(search_index, union_a, union_b):  # noqa: F811
    demo_corpus_fill(union_a, index=0)
    demo_corpus_fill(union_b, index=1)
    search_index_fill(union_a, union_b)
    size = corpus_table_fill([union_a, union_b])
    assert len(LABELLED) >= 30

    portal = Audience.portal()
    platform_scores, ilike_scores = [], []
    for text, wanted in LABELLED.items():
        available = relevant_count(wanted)
        assert available, f"the corpus has no document labelled for {text!r}"
        found = [(hit.kind, hit.title) for hit in search_run(text=text, audience=portal, per_page=5).hits]
        platform_scores.append(precision_at_5(found, wanted, available))
        ilike_scores.append(precision_at_5(ilike_top(text), wanted, available))
        print(f"  {text}: platform {platform_scores[-1]:.2f} ilike {ilike_scores[-1]:.2f} top {found[:3]}")

    platform = sum(platform_scores) / len(platform_scores)
    ilike = sum(ilike_scores) / len(ilike_scores)
    met = platform >= 0.8 and platform > ilike
    ratio = platform / ilike if ilike else float("inf")
    print(
        f"BENCH search_relevance_p_at_5 {platform:.4f} precision baseline {ilike:.4f} ratio {ratio:.1f}x "
        f"goal >=0.8_and_above_ILIKE {'met' if met else 'missed'}",
        flush=True,
    )
    print(
        f"  ({len(LABELLED)} labelled queries over {size} documents of 2 unions; baseline: PostgreSQL ILIKE)"
    )
