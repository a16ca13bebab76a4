"""Benchmarks print `BENCH <name> <value> <unit> baseline <value> ratio <x> goal <text> <met|missed>`."""

from __future__ import annotations

import statistics


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


def bench_line(name: str, value: float, unit: str, baseline: float, goal: str, met: bool) -> str:
    ratio = baseline / value if value else float("inf")
    line = (
        f"BENCH {name} {value:.4f} {unit} baseline {baseline:.4f} ratio {ratio:.1f}x goal {goal} "
        f"{'met' if met else 'missed'}"
    )
    print(line, flush=True)
    return line
