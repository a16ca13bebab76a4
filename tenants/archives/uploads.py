"""What an archive file may be: an image, a PDF, an Office document or a video, of the size the
settings allow, whose content really is what its extension claims.

Documents reuse the site's check (``cms.media.document_content_check``: a ``.pdf`` starts with
``%PDF-``, an Office file is a ZIP archive); images must open with Pillow as the format named;
old Office files are OLE compound files; videos carry an ISO media ``ftyp`` box. So a program
renamed ``.pdf`` is refused, whatever the browser said its type was.
"""

from __future__ import annotations

import mimetypes
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cms.media import document_content_check
from workershome.errors import ServiceError

IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG"}
DOCUMENT_EXTENSIONS = frozenset({"pdf", "docx", "xlsx", "pptx"})
OLE_EXTENSIONS = frozenset({"doc", "xls", "ppt"})
VIDEO_EXTENSIONS = frozenset({"mp4", "mov"})
ALLOWED_EXTENSIONS = frozenset(IMAGE_FORMATS) | DOCUMENT_EXTENSIONS | OLE_EXTENSIONS | VIDEO_EXTENSIONS
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

DEFAULT_MAX_FILE_MB = 20
DEFAULT_MAX_VIDEO_MB = 200


def max_bytes(extension: str) -> int:
    """The size limit for a file with ``extension`` (settings ``ARCHIVES_MAX_FILE_MB`` and
    ``ARCHIVES_MAX_VIDEO_MB``)."""
    if extension in VIDEO_EXTENSIONS:
        return int(getattr(settings, "ARCHIVES_MAX_VIDEO_MB", DEFAULT_MAX_VIDEO_MB)) * 1024 * 1024
    return int(getattr(settings, "ARCHIVES_MAX_FILE_MB", DEFAULT_MAX_FILE_MB)) * 1024 * 1024


def _head(upload, size: int = 16) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _mismatch() -> ServiceError:
    return ServiceError(
        "archive_file_content", _("This file's content does not match its extension."), field="files"
    )


def archive_upload_check(upload) -> str:
    """Refuse an upload of the wrong kind, too large, or not what it claims; returns its
    content type."""
    name = os.path.basename(upload.name or "")
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension not in ALLOWED_EXTENSIONS:
        raise ServiceError(
            "archive_file_type",
            _(
                "Upload a photo (JPG, PNG), a PDF, an Office document (Word, Excel, PowerPoint) or a video (MP4, MOV)."
            ),
            field="files",
        )
    limit = max_bytes(extension)
    if not upload.size:
        raise ServiceError(
            "archive_file_empty", _("The file %(name)s is empty."), params={"name": name}, field="files"
        )
    if upload.size > limit:
        raise ServiceError(
            "archive_file_too_large", _("The file %(name)s is larger than %(limit)s MB."),
            params={"name": name, "limit": limit // (1024 * 1024)}, field="files",
        )  # fmt: skip
    if extension in IMAGE_FORMATS:
        from PIL import Image

        upload.seek(0)
        try:
            with Image.open(upload) as image:
                image_format = image.format
                image.verify()
        except Exception as error:  # anything Pillow cannot read (incl. decompression bombs) is not a photo
            raise _mismatch() from error
        finally:
            upload.seek(0)
        if image_format != IMAGE_FORMATS[extension]:
            raise _mismatch()
    elif extension in DOCUMENT_EXTENSIONS:
        try:
            document_content_check(upload)
        except ValidationError as error:
            raise _mismatch() from error
    elif extension in OLE_EXTENSIONS:
        if not _head(upload).startswith(_OLE):
            raise _mismatch()
    elif _head(upload, 12)[4:8] != b"ftyp":
        raise _mismatch()
    return mimetypes.guess_type(name)[0] or "application/octet-stream"
