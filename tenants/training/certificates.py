"""Certificates of completion (结业证书) as PDF, and their public verification address.

The PDF is laid out by WeasyPrint from ``training/certificate.html`` with the same machinery as
the wall posters (``cms.posters``: Noto CJK through fontconfig, only ``data:`` URIs fetched), and
drawn from the certificate row each time, so it is never stored as a file that could be served
to the wrong person. Its QR code opens the verification page on the union's own site, which
shows the masked name, the course, the hours and the date.
"""

from __future__ import annotations

from django.core.cache import cache
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cms.posters import SANS, html_to_pdf, qr_svg_data_uri
from tenants.registry.models import Union
from tenants.registry.services import union_url
from workershome.tenancy import current_schema

from .models import Certificate


def _union() -> Union | None:
    return Union.objects.filter(schema_name=current_schema()).first()


def certificate_verify_url(certificate: Certificate, union: Union | None = None) -> str:
    """The absolute address of the certificate's public verification page."""
    union = union or _union()
    path = reverse("training:verify", args=[certificate.verify_token])
    return union_url(union).rstrip("/") + path if union is not None else path


def certificate_filename(certificate: Certificate) -> str:
    return f"certificate-{certificate.number}.pdf"


# Laying out a PDF subsets the CJK font (seconds of CPU): a certificate, which never changes once
# issued, is kept in the (tenant-aware) cache for a day after it was drawn.
PDF_CACHE_SECONDS = 24 * 60 * 60


def certificate_pdf(certificate: Certificate) -> bytes:
    """The certificate as an A4 landscape PDF (raises ``PosterUnavailable`` without Pango or a
    Chinese font). One typeface only (Noto Sans CJK): each embedded CJK font costs seconds."""
    key = f"training:certificate-pdf:{certificate.pk}:{certificate.number}"
    content = cache.get(key)
    if content is None:
        content = _certificate_pdf(certificate)
        cache.set(key, content, PDF_CACHE_SECONDS)
    return content


def _certificate_pdf(certificate: Certificate) -> bytes:
    union = _union()
    url = certificate_verify_url(certificate, union)
    course = certificate.course
    html = render_to_string(
        "training/certificate.html",
        {
            "certificate": certificate,
            "course": course,
            "union_name": union.name if union else "",
            "verify_url": url,
            "qr": qr_svg_data_uri(url),
            "sans": SANS,
            "printed_on": timezone.localdate(),
        },
    )
    return html_to_pdf(html)
