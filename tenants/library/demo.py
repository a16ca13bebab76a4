"""Demo content of the workers' library: real Chinese books with their real ISBNs (check digits
verified with python-stdnum), copies on numbered shelves, loans (two of them overdue, and some
returned ones that make the popular list), and a reservation of a title whose only copy is out.

``demo_fill()`` runs inside a union's schema through the same services production uses, and is
safe to run again: books are found by ISBN, copies by barcode, and loans are made only once.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from tenants.users.models import User

from .models import Book, BookCopy, Loan, Reservation
from .services import book_save, copy_add, loan_create, loan_return, reservation_create

if TYPE_CHECKING:
    from tenants.registry.demo_data import UnionSpec

# (ISBN-13, title, authors, publisher, year, 中图法 class, copies, shared with sister unions, description)
BOOKS = (
    ("9787530212004", "平凡的世界（普及本）", "路遥", "北京十月文艺出版社", 2012, "I", 3, True,
     "以孙少安、孙少平兄弟为中心，展现上世纪七八十年代中国城乡普通劳动者的奋斗与成长。茅盾文学奖获奖作品。"),
    ("9787506365437", "活着", "余华", "作家出版社", 2012, "I", 2, True,
     "讲述福贵一生的苦难与坚韧，写人对苦难的承受力和对生活的乐观态度。"),
    ("9787536692930", "三体", "刘慈欣", "重庆出版社", 2008, "I", 1, True,
     "“地球往事”三部曲第一部，中国科幻文学的代表作。"),
    ("9787536693968", "三体Ⅱ·黑暗森林", "刘慈欣", "重庆出版社", 2008, "I", 1, False, ""),
    ("9787229030933", "三体Ⅲ·死神永生", "刘慈欣", "重庆出版社", 2010, "I", 1, False, ""),
    ("9787020024759", "围城", "钱锺书", "人民文学出版社", 1991, "I", 1, False,
     "以方鸿渐的经历为线索，描写抗战初期知识分子的生活百态。"),
    ("9787544253994", "百年孤独", "加西亚·马尔克斯、范晔（译）", "南海出版公司", 2011, "I", 2, False, ""),
    ("9787544270878", "解忧杂货店", "东野圭吾、李盈春（译）", "南海出版公司", 2014, "I", 2, False, ""),
    ("9787208061644", "追风筝的人", "卡勒德·胡赛尼、李继宏（译）", "上海人民出版社", 2006, "I", 1, False, ""),
    ("9787508647357", "人类简史：从动物到上帝", "尤瓦尔·赫拉利、林俊宏（译）", "中信出版社", 2014, "K", 2, True,
     "从认知革命、农业革命到科学革命，讲述人类的发展历程。"),
)  # fmt: skip
SHELVES = ("职工书屋 1号书架", "职工书屋 2号书架", "职工书屋 3号书架")


def _people() -> tuple[User | None, list[User]]:
    staff = (
        User.objects.filter(is_active=True, groups__name="librarian").order_by("pk").first()
        or User.objects.filter(is_active=True, groups__name="chairman").order_by("pk").first()
    )
    members = list(User.objects.filter(is_active=True, groups__name="member").order_by("pk").distinct()[:6])
    return staff, members


def _backdate(loan: Loan, *, lent_days_ago: int, due_days_ago: int | None = None) -> None:
    lent_at = timezone.now() - datetime.timedelta(days=lent_days_ago)
    changes: dict = {"lent_at": lent_at}
    if due_days_ago is not None:
        changes["due_on"] = timezone.localdate() - datetime.timedelta(days=due_days_ago)
    Loan.objects.filter(pk=loan.pk).update(**changes)


def demo_fill(*, spec: UnionSpec, index: int) -> None:
    staff, members = _people()
    if staff is None or len(members) < 3:
        return
    prefix = f"SW{index:02d}"
    copies: dict[str, list[BookCopy]] = {}
    for number, (isbn, title, authors, publisher, year, category, count, shared, description) in enumerate(
        BOOKS
    ):
        book = Book.objects.filter(isbn=isbn).first() or book_save(
            book=Book(
                isbn=isbn, title=title, authors=authors, publisher=publisher, year=year, category=category,
                shared=shared, description=description,
            ),
            by=staff,
        )  # fmt: skip
        copies[isbn] = []
        for n in range(1, count + 1):
            barcode = f"{prefix}-{number + 1:03d}-{n}"
            copy = BookCopy.objects.filter(barcode=barcode).first() or copy_add(
                book=book, barcode=barcode, location=SHELVES[number % len(SHELVES)], by=staff
            )
            copies[isbn].append(copy)
    if Loan.objects.exists():
        return

    # Returned loans over the past months: what makes the popular list.
    history = (("9787530212004", 200), ("9787530212004", 120), ("9787506365437", 90), ("9787530212004", 60),
               ("9787508647357", 45))  # fmt: skip
    for n, (isbn, days_ago) in enumerate(history):
        loan = loan_create(copy=copies[isbn][0], member=members[n % len(members)], by=staff)
        loan_return(loan=loan, by=staff)
        _backdate(loan, lent_days_ago=days_ago, due_days_ago=days_ago - 30)
        Loan.objects.filter(pk=loan.pk).update(
            returned_at=timezone.now() - datetime.timedelta(days=days_ago - 20)
        )

    # Open loans: two overdue, the others due in the coming weeks.
    santi = loan_create(copy=copies["9787536692930"][0], member=members[0], by=staff)
    _backdate(santi, lent_days_ago=40, due_days_ago=10)
    weicheng = loan_create(copy=copies["9787020024759"][0], member=members[1], by=staff)
    _backdate(weicheng, lent_days_ago=35, due_days_ago=5)
    loan_create(copy=copies["9787530212004"][1], member=members[2], by=staff)
    loan_create(copy=copies["9787544270878"][0], member=members[0], by=staff)

    # 《三体》's only copy is out: a member reserves it.
    if not Reservation.objects.exists():
        reservation_create(book=copies["9787536692930"][0].book, member=members[1])
