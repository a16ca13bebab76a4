"""Keeping anonymous senders anonymous: attempt counters that never hold an address, and
attachments stripped of what could name the sender.

倾听呼声: a worker who files anonymously must not be traceable, or they will not speak up. The
case engine keeps no account, name or contact for an anonymous case and rounds its times to the
hour; this module covers what the web layer could still leak.

**Counters without addresses.** Guessing tracking codes and flooding the form are limited per
client address, but the address itself is never written anywhere: the cache key is an HMAC of
it under a key that exists only in this process's memory (``_PEPPER``, drawn at start-up and
never stored), and the entry expires after a few minutes. Even someone holding the
``SECRET_KEY`` and a copy of the cache cannot turn a counter back into an address. The price is
that each web process counts on its own, which only multiplies a small limit by the number of
processes; a tracking code has 31¹² values, so guessing one stays hopeless either way.

**Attachments without metadata.** A phone photo carries the place and time it was taken and
often the phone's owner; an Office file its author. An anonymous sender's images are re-encoded
without their metadata, Office files lose their author fields, and every file is renamed
(``附件.jpg``), because a file name can name its sender too.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import os
import re
import secrets
import zipfile
from dataclasses import dataclass

from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from rest_framework.throttling import BaseThrottle

from workershome.errors import ServiceError

_PEPPER = secrets.token_bytes(32)


@dataclass(frozen=True)
class Limit:
    """At most ``attempts`` counted events per client address within ``seconds``."""

    name: str
    attempts: int
    seconds: int


# Wrong tracking codes: a worker who mistypes a few times is never stopped, a guesser is.
WRONG_CODE_LIMIT = Limit("wrong-code", attempts=10, seconds=10 * 60)
# Filings by people who are not signed in. Generous: a whole factory may share one NAT address.
FILING_LIMIT = Limit("filing", attempts=30, seconds=10 * 60)


def client_fingerprint(request: HttpRequest) -> str:
    """An unreadable stand-in for the client's address (see the module's docstring).

    The address is the one DRF's throttles use (``X-Forwarded-For`` as far as
    ``REST_FRAMEWORK["NUM_PROXIES"]`` trusts it, else the peer address), so one setting decides
    which proxies are trusted for every throttle of the platform.
    """
    address = BaseThrottle().get_ident(request) or ""  # type: ignore[arg-type]  # reads only META
    return hmac.new(_PEPPER, address.encode(), hashlib.sha256).hexdigest()[:32]


def _key(limit: Limit, request: HttpRequest) -> str:
    return f"appeals:{limit.name}:{client_fingerprint(request)}"


def limit_reached(limit: Limit, request: HttpRequest) -> bool:
    """Whether this client has used up ``limit`` (reading only: nothing is written)."""
    return int(cache.get(_key(limit, request)) or 0) >= limit.attempts


def limit_count(limit: Limit, request: HttpRequest) -> None:
    """Count one event; the window starts with the first and is never extended."""
    key = _key(limit, request)
    cache.add(key, 0, timeout=limit.seconds)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=limit.seconds)


# --- Attachments --------------------------------------------------------------------------------

_IMAGE_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG"}
# Who wrote, edited, commented on or owns an Office file: elements and attributes emptied.
_OFFICE_PERSON_ELEMENTS = re.compile(
    rb"(<(dc:creator|cp:lastModifiedBy|Company|Manager|author)(?:\s[^>]*)?>)(.*?)(</\2>)", re.DOTALL
)
_OFFICE_PERSON_ATTRIBUTES = re.compile(rb'\b(w:author|w:initials|w15:userId)="[^"]*"')


def _extension(name: str) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _image_without_metadata(data: bytes, image_format: str) -> bytes:
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as source:
        image = ImageOps.exif_transpose(source)  # keep the picture upright once EXIF is gone
        if image_format == "JPEG" and image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        clean = Image.new(image.mode, image.size)
        clean.paste(image)
        palette = image.getpalette()
        if image.mode == "P" and palette:
            clean.putpalette(palette)
        out = io.BytesIO()
        clean.save(out, format=image_format, **({"quality": 90} if image_format == "JPEG" else {}))
    return out.getvalue()


def _office_without_authors(data: bytes) -> bytes:
    """The same Office file with its author, last editor, company and manager emptied."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            content = source.read(item)
            if item.filename.endswith((".xml", ".rels")):
                content = _OFFICE_PERSON_ELEMENTS.sub(rb"\1\4", content)
                content = _OFFICE_PERSON_ATTRIBUTES.sub(rb'\1=""', content)
            clean = zipfile.ZipInfo(item.filename, date_time=(1980, 1, 1, 0, 0, 0))
            clean.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(clean, content)
    return out.getvalue()


def upload_unlinked(upload) -> SimpleUploadedFile:
    """A copy of ``upload`` that says nothing about its sender: renamed, metadata removed.

    The file has passed ``attachment_check`` already. One that cannot be rewritten (a damaged
    image, say) is refused rather than kept with whatever it says about its sender.
    """
    extension = _extension(upload.name)
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    try:
        if extension in _IMAGE_FORMATS:
            data = _image_without_metadata(data, _IMAGE_FORMATS[extension])
        elif extension in ("docx", "xlsx"):
            data = _office_without_authors(data)
    except Exception as error:  # Pillow and zipfile raise many kinds of error on damaged files
        raise ServiceError(
            "attachment_unreadable",
            _("This file could not be read. Attach another file, or none."),
            field="file",
        ) from error
    name = f"附件.{extension}" if extension else "附件"
    return SimpleUploadedFile(name, data, content_type=getattr(upload, "content_type", None) or "")
