"""Small-group suppression (小样本抑制): one function hides a street's or a union's sensitive
count below five, a second cell when the total would give it back, and what derives from it."""

from __future__ import annotations

from decimal import Decimal

from federation.dashboard import SUPPRESSED, Column, Row, Table, suppressed_indexes, table_suppress


def test_counts_from_one_to_four_are_hidden_zero_and_five_are_not():
    """Given subject cells 0, 1, 4, 5, 12 and no total, then only 1 and 4 are hidden."""
    assert suppressed_indexes([0, 1, 4, 5, 12], subject=[True] * 5) == {1, 2}


def test_cells_that_are_not_subject_are_never_hidden():
    """Given small counts in rows not protected (a district's), then nothing is hidden."""
    assert suppressed_indexes([1, 2, 30], subject=[False] * 3, total=33) == set()


def test_a_lone_hidden_cell_takes_the_smallest_other_with_it_when_a_total_is_shown():
    """Given one hidden cell and a shown total, then the smallest other non-zero cell is hidden
    too, so the total minus the shown cells gives only a sum of two."""
    assert suppressed_indexes([3, 0, 9, 7], subject=[True] * 4, total=19) == {0, 3}


def test_the_total_is_hidden_when_no_other_cell_can_be():
    """Given one hidden cell and every other zero, then the total is hidden instead."""
    assert suppressed_indexes([3, 0, 0], subject=[True] * 3, total=3) == {0, 3}


def test_two_hidden_cells_need_no_complement():
    """Given two hidden cells, then the total cannot give either back and nothing more is hidden."""
    assert suppressed_indexes([3, 2, 20], subject=[True] * 3, total=25) == {0, 1}


def test_a_small_total_of_a_small_area_is_hidden_itself():
    """Given a street's page (its total protected) with a total of 4, then the total is hidden."""
    assert suppressed_indexes([0, 4], subject=[True, True], total=4, total_subject=True) == {1, 2}


def test_amounts_and_rates_follow_the_counts_they_derive_from():
    """Given a table of hardship counts and amounts at a street, then an amount is hidden where
    its count is, a rate where either of its counts is, and public columns are left alone."""
    columns = [
        Column("given", "given", sensitive=True),
        Column("amount", "amount", sensitive=True, guards=("given",), kind="money"),
        Column("done", "done", sensitive=True),
        Column("rate", "rate", guards=("done", "given"), kind="rate"),
        Column("cases", "cases"),
    ]
    rows = [
        Row(
            "甲工会",
            {"given": 2, "amount": Decimal("900.00"), "done": 8, "rate": 50, "cases": 1},
            protect=True,
        ),
        Row(
            "乙工会",
            {"given": 6, "amount": Decimal("3000.00"), "done": 9, "rate": 80, "cases": 2},
            protect=True,
        ),
        Row(
            "丙工会",
            {"given": 10, "amount": Decimal("5000.00"), "done": 0, "rate": None, "cases": 3},
            protect=True,
        ),
    ]
    total = Row("合计", {"given": 18, "amount": Decimal("8900.00"), "done": 17, "rate": 70, "cases": 6})
    table = table_suppress(Table("t", "t", "工会", columns, rows, total))

    first, second, third = (row.cells for row in table.rows)
    assert first == {"given": SUPPRESSED, "amount": SUPPRESSED, "done": 8, "rate": SUPPRESSED, "cases": 1}
    assert second == {"given": SUPPRESSED, "amount": SUPPRESSED, "done": 9, "rate": SUPPRESSED, "cases": 2}
    assert third["given"] == 10 and third["amount"] == Decimal("5000.00")
    assert table.total is not None and table.total.cells["given"] == 18
    assert [cell for cell, _kind in table.rows[0].shown] == list(first.values())
