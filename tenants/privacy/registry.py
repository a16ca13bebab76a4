"""Which sensitive records exist about a worker: each module that keeps some registers a source.

A source returns ``SensitiveRecord`` summaries (the kind of record, when it was opened, by which
union role), never content: the worker's page (/my/privacy/) lists them, so a worker can see
what the union keeps about them (PIPL art. 44–45) without the page itself exposing anything.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class SensitiveRecord:
    kind: str | Promise
    reference: str
    opened_at: datetime.datetime
    opened_by_role: str | Promise
    status: str | Promise


Source = Callable[..., Iterable[SensitiveRecord]]
SOURCES: list[Source] = []


def source_register(source: Source) -> Source:
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def sensitive_records_of(worker) -> list[SensitiveRecord]:
    records = [record for source in SOURCES for record in source(worker=worker)]
    return sorted(records, key=lambda record: record.opened_at, reverse=True)
