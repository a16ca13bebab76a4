"""Books in search (职工书屋): the titles a union shares with sister unions.

``Book.shared`` is the union's choice to list a title in the federation's catalogue, so workers
of sister unions can find it; public search documents are found on the portal and on every
union's site, so only shared titles are documents. (The union's own catalogue page searches all
its books.) Only bibliographic data goes in, never who borrowed a copy.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from search.document_text import join_text, label
from search.registry import SearchDocument, SearchSource, source_register

from .models import Book


def book_document(book: Book) -> SearchDocument | None:
    if not book.shared:
        return None
    return SearchDocument(
        title=f"《{book.title}》",
        body=join_text(book.authors, book.publisher, book.description),
        url=f"/library/books/{book.pk}/",
        keywords=tuple(filter(None, [book.authors, book.isbn, label(book.get_category_display())])),
    )


source_register(SearchSource(
    kind="book", label=_("Books"), model=Book, visibility="public",
    document=book_document, queryset=lambda: Book.objects.filter(shared=True),
))  # fmt: skip
