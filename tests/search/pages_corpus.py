"""Test data for the search pages and sources (searchpages): sensitive rows that must never be
indexed, and a small Chinese corpus of a union's real content for the relevance tests.

Everything is made through the apps' services, in the current union's schema.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from tests.factories import make_person

COUNSELLING_CANARY = "夜班后失眠并担心考核金丝雀"
HARDSHIP_CANARY = ("妻子患尿毒症金丝雀", "腰椎间盘突出金丝雀", "11010519491231002X")


def sensitive_rows_make(union) -> None:
    """A counselling talk that took place, with notes, and an open hardship file (with its
    restricted case), both carrying canary words."""
    from tenants.counselling.models import Counsellor
    from tenants.counselling.services import (
        appointment_book,
        appointment_close,
        counsellor_save,
        note_save,
        slots_add,
    )
    from tenants.hardship.services import hardship_file_open
    from tenants.privacy.services import consent_record
    from tests.counselling.conftest import move_to_past

    chairman = make_person(union, "chairman", name="张主席")[1]
    officer = make_person(union, "officer", name="李干事")[1]
    counsellor_user = make_person(union, "counsellor", name="陈咨询")[1]
    worker = make_person(union, "member", name="王小明")[1]
    counsellor = counsellor_save(
        counsellor=Counsellor(name="陈咨询", qualification="国家三级心理咨询师", user=counsellor_user),
        by=chairman,
    )
    day = timezone.localdate() + datetime.timedelta(days=1)
    slot = slots_add(counsellor=counsellor, first_day=day, weeks=1, weekdays=[day.weekday()],
                     start=datetime.time(14, 0), minutes=50, place="职工减压室", by=chairman)[0]  # fmt: skip
    appointment = appointment_book(slot=slot, worker=worker, consent_given=True)
    move_to_past(appointment.slot)
    appointment_close(appointment=appointment, held=True, by=counsellor_user)
    note_save(appointment=appointment, text=COUNSELLING_CANARY, by=counsellor_user)

    consent_record(
        worker=worker, scope="hardship", method="written", by=officer,
        purpose="建立困难职工帮扶档案，核实家庭收入和健康情况，用于申请帮扶资金和定期回访。",
    )  # fmt: skip
    hardship_file_open(
        worker=worker, kind="medical", tier="deep", id_number=HARDSHIP_CANARY[2], monthly_income="2600.00",
        household_size=3, causes=HARDSHIP_CANARY[0], health=HARDSHIP_CANARY[1], members=[], by=officer,
    )  # fmt: skip


#: The demo generator's modules whose content is searchable, in the order the demo runs them.
DEMO_MODULES = (
    "tenants.cases.demo",  # adopts the federation's procedures (亮程序)
    "tenants.groups.demo",
    "tenants.rooms.demo",
    "tenants.library.demo",
    "tenants.activities.demo",
    "tenants.counselling.demo",  # a counselling lecture (an activity); counsellors, slots
    "tenants.training.demo",
)


def demo_corpus_fill(union, *, index: int) -> None:
    """Fill ``union`` (provisioned by the test session) with the demo generator's content: its
    website (rooms, rules, services, the bulletin board, brands) and the searchable apps'
    records, made by the demo's own ``demo_fill`` functions through the services."""
    from importlib import import_module

    from django_tenants.utils import tenant_context

    from cms.demo import site_demo_fill
    from tenants.registry.demo_data import UNIONS

    spec = UNIONS[index]
    make_person(union, "chairman", name="张主席")
    make_person(union, "officer", name="李干事")
    make_person(union, "librarian", name="周图书")
    for number in range(8):
        make_person(union, "member", name=f"职工{number}")
    with tenant_context(union):
        site_demo_fill(spec=spec, index=index)
        for module in DEMO_MODULES:
            import_module(module).demo_fill(spec=spec, index=index)


def search_index_fill(*unions) -> None:
    """Index every searchable record of ``unions`` and of the public schema, and make it
    searchable at once (the tests' stand-in for the commit-driven pipeline)."""
    from django_tenants.utils import schema_context, tenant_context

    from search.indexing import union_documents_index, union_info_forget
    from tests.search.fixtures import refresh

    union_info_forget()
    for union in unions:
        with tenant_context(union):
            union_documents_index(schema=union.schema_name)
    with schema_context("public"):
        union_documents_index(schema="public")
    refresh()
