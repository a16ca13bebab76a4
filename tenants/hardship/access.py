"""Who may read a hardship file (PIPL: minimum necessary).

A file holds a household's income, illnesses and ID numbers. It is read by the people who act
on it: the chairman (who approves exits and answers for the union's assistance) and the
officers named on the file (the one who opened it, and any the chairman adds). Other officers,
mediators, counsellors, editors and members see that no file of theirs exists; the worker sees
that their file exists (/my/privacy/), not its content. Federation staff see counted facts only.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tenants.cases.roles import roles_of

from .models import HardshipFile

HANDLING_ROLES = ("chairman", "officer")


def is_chairman(user) -> bool:
    return "chairman" in roles_of(user)


def handles_hardship(user) -> bool:
    """Chairman or officer: may open files and see the due list (of their own files)."""
    return bool(roles_of(user) & set(HANDLING_ROLES))


def files_visible_to(user) -> QuerySet[HardshipFile]:
    roles = roles_of(user)
    if "chairman" in roles:
        return HardshipFile.objects.all()
    if "officer" in roles:
        return HardshipFile.objects.filter(officers=user)
    return HardshipFile.objects.none()


def may_read(user, file: HardshipFile) -> bool:
    roles = roles_of(user)
    if "chairman" in roles:
        return True
    return "officer" in roles and file.officers.filter(pk=user.pk).exists()
