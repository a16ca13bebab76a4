"""Media of a union's site: what an upload must really contain, and which files are public.

Every union's files are stored under ``MEDIA_ROOT/<schema>/`` by django-tenants'
``TenantFileSystemStorage`` (Wagtail images under ``original_images/``, their renditions under
``images/``, documents under ``documents/``).

Images are checked by Wagtail itself (``WagtailImageField``): the extension must be one of
``WAGTAILIMAGES_EXTENSIONS``, the content must open as an image (Willow/Pillow) of the format the
extension names, and the size must be within ``WAGTAILIMAGES_MAX_UPLOAD_SIZE``. Documents are
checked by Wagtail only for their extension (``WAGTAILDOCS_EXTENSIONS``) and size
(``WAGTAILDOCS_MAX_UPLOAD_SIZE``); :class:`UnionDocumentForm` adds a check that the content is
what the extension claims (a ``.pdf`` starts with ``%PDF-``, an Office file is a ZIP archive...),
enabled with ``WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.media.UnionDocumentForm"``.

Documents may sit in a private collection, so their files never serve from ``/media/``: only
Wagtail's document view (``/documents/<id>/<filename>``, ``WAGTAILDOCS_SERVE_METHOD =
"serve_view"``) serves them, after checking the collection's view restrictions.
:func:`media_path_is_public` is the rule the ``/media/`` view (and a web server in front) keeps.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from wagtail.documents.forms import BaseDocumentForm

# Files under these prefixes (relative to the union's media root) are only served through a
# permission-checked view, never as plain media.
PRIVATE_MEDIA_PREFIXES: tuple[str, ...] = ("documents/", "private/")

_ZIP = (b"PK\x03\x04", b"PK\x05\x06")  # an archive with entries, an empty archive
DOCUMENT_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "odt": _ZIP,
    "zip": _ZIP,
    "rtf": (b"{\\rtf",),
}
# Plain text: anything without NUL bytes, or UTF-16 with its byte-order mark.
TEXT_EXTENSIONS = frozenset({"csv", "txt"})
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_HEAD = 8192


def media_path_is_public(path: str) -> bool:
    """Whether ``path`` (relative to a union's media root) may be served as plain media."""
    normalised = os.path.normpath(path).replace(os.sep, "/").lstrip("/")
    return not any(normalised.startswith(prefix) for prefix in PRIVATE_MEDIA_PREFIXES)


MEDIA_APPS = frozenset({"wagtailimages", "wagtaildocs"})


def media_collection_permissions_ensure(group: Group, permissions: Iterable[Permission]) -> int:
    """Grant ``group`` the image and document ``permissions`` on the root collection (so on the
    whole library); safe to repeat. Returns how many grants were added.

    Wagtail checks image and document permissions per collection (``GroupCollectionPermission``),
    not through ``group.permissions``: without these grants a role holding
    ``wagtailimages.add_image`` still cannot open the image library.
    """
    from wagtail.models import Collection, GroupCollectionPermission

    root = Collection.get_first_root_node()
    added = 0
    for permission in permissions:
        if permission.content_type.app_label in MEDIA_APPS:
            _grant, created = GroupCollectionPermission.objects.get_or_create(
                group=group, collection=root, permission=permission
            )
            added += created
    return added


def _head(upload) -> bytes:
    position = upload.tell() if hasattr(upload, "tell") else 0
    upload.seek(0)
    try:
        return upload.read(_HEAD)
    finally:
        upload.seek(position)


def document_content_check(upload) -> None:
    """Refuse a document whose content is not what its extension claims.

    Extensions without a known signature are left to Wagtail's extension check.
    """
    extension = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    head = _head(upload)
    if extension in DOCUMENT_SIGNATURES:
        valid = head.startswith(DOCUMENT_SIGNATURES[extension])
    elif extension in TEXT_EXTENSIONS:
        valid = b"\x00" not in head or head.startswith(_UTF16_BOMS)
    else:
        return
    if not valid:
        raise ValidationError(
            _("This file is not a real .%(extension)s file: its content does not match its extension."),
            code="document_content_mismatch",
            params={"extension": extension},
        )


class UnionDocumentForm(BaseDocumentForm):
    """Wagtail's document form (single and multiple upload) with the content check."""

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            document_content_check(upload)
        return upload
