"""A fast, streaming reader of the first worksheet's cell values in an .xlsx workbook.

openpyxl's read-only mode builds a cell object, a style lookup and (for inline strings) a rich
text object per cell: on a 20,000-row roster reading took most of the import. A roster needs
only values, so this reads the sheet's XML with expat directly: shared strings, inline strings,
numbers, booleans, formulas' cached values. Dates are Excel serial numbers here (the caller knows
which column holds dates and converts them with ``serial_to_date``).

Anything it does not understand raises ``XlsxFormatError``; the caller then falls back to
openpyxl, so an unusual but valid file is still read, only more slowly.
"""

from __future__ import annotations

import datetime
import posixpath
import zipfile
from collections.abc import Iterator
from typing import IO, Any
from xml.parsers import expat

_CHUNK = 1 << 16


class XlsxFormatError(ValueError):
    pass


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _parse(data: bytes | IO[bytes], start, end=None, chars=None) -> None:
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if chars is not None:
        parser.CharacterDataHandler = chars
    try:
        if isinstance(data, bytes):
            parser.Parse(data, True)
        else:
            while chunk := data.read(_CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as error:
        raise XlsxFormatError(str(error)) from error


def _column_index(reference: str) -> int:
    index = 0
    for char in reference:
        if "A" <= char <= "Z":
            index = index * 26 + (ord(char) - 64)
        else:
            break
    if not index:
        raise XlsxFormatError(f"bad cell reference {reference!r}")
    return index - 1


class SheetValues:
    """``rows()`` yields each row's values as a list (None for empty cells), first sheet only."""

    def __init__(self, upload: IO[bytes]):
        try:
            self.archive = zipfile.ZipFile(upload)
        except zipfile.BadZipFile as error:
            raise XlsxFormatError("not a zip file") from error
        self.date1904 = False
        self.sheet_path, strings_path = self._locate()
        self.strings = self._shared_strings(strings_path) if strings_path else []

    def _locate(self) -> tuple[str, str | None]:
        try:
            workbook = self.archive.read("xl/workbook.xml")
            rels = self.archive.read("xl/_rels/workbook.xml.rels")
        except KeyError as error:
            raise XlsxFormatError("no workbook part") from error
        first_sheet: list[str] = []

        def on_workbook(name: str, attrs: dict[str, str]) -> None:
            tag = _local(name)
            if tag == "sheet" and not first_sheet:
                first_sheet.extend(value for key, value in attrs.items() if _local(key) == "id")
            elif tag == "workbookPr":
                self.date1904 = attrs.get("date1904", "0") in ("1", "true")

        _parse(workbook, on_workbook)
        targets: dict[str, tuple[str, str]] = {}

        def on_rels(name: str, attrs: dict[str, str]) -> None:
            if _local(name) == "Relationship":
                targets[attrs.get("Id", "")] = (attrs.get("Type", ""), attrs.get("Target", ""))

        _parse(rels, on_rels)
        if not first_sheet or first_sheet[0] not in targets:
            raise XlsxFormatError("no first sheet")

        def resolve(target: str) -> str:
            return (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join("xl", target))
            )

        sheet = resolve(targets[first_sheet[0]][1])
        strings = next((resolve(t) for kind, t in targets.values() if kind.endswith("/sharedStrings")), None)
        if strings is not None and strings not in self.archive.namelist():
            strings = None
        return sheet, strings

    def _shared_strings(self, path: str) -> list[str]:
        strings: list[str] = []
        parts: list[str] = []
        state = {"in_t": False, "phonetic": 0}

        def start(name: str, attrs: dict[str, str]) -> None:
            tag = _local(name)
            if tag == "si":
                parts.clear()
            elif tag == "rPh":
                state["phonetic"] += 1
            elif tag == "t" and not state["phonetic"]:
                state["in_t"] = True

        def end(name: str) -> None:
            tag = _local(name)
            if tag == "si":
                strings.append("".join(parts))
            elif tag == "rPh":
                state["phonetic"] -= 1
            elif tag == "t":
                state["in_t"] = False

        def chars(text: str) -> None:
            if state["in_t"]:
                parts.append(text)

        with self.archive.open(path) as source:
            _parse(source, start, end, chars)
        return strings

    def rows(self) -> Iterator[list[Any]]:
        """The sheet's rows in order; missing rows between are not yielded (they would be empty)."""
        finished: list[list[Any]] = []
        row: list[Any] = []
        cell: dict[str, Any] = {"col": 0, "type": "n", "text": [], "capture": False, "next": 0}
        strings = self.strings

        def start(name: str, attrs: dict[str, str]) -> None:
            tag = _local(name)
            if tag == "c":
                reference = attrs.get("r")
                cell["col"] = _column_index(reference) if reference else cell["next"]
                cell["type"] = attrs.get("t", "n")
                cell["text"] = []
            elif tag == "v" or (tag == "t" and cell["type"] == "inlineStr"):
                cell["capture"] = True
            elif tag == "row":
                row.clear()
                cell["next"] = 0

        def end(name: str) -> None:
            tag = _local(name)
            if tag in ("v", "t"):
                cell["capture"] = False
            elif tag == "c":
                text = "".join(cell["text"])
                kind = cell["type"]
                value: Any
                if text == "":
                    value = None
                elif kind == "s":
                    value = strings[int(text)]
                elif kind in ("inlineStr", "str", "e"):
                    value = text
                elif kind == "b":
                    value = text == "1"
                else:
                    number = float(text)
                    value = int(number) if number.is_integer() else number
                column = cell["col"]
                if column >= len(row):
                    row.extend([None] * (column + 1 - len(row)))
                row[column] = value
                cell["next"] = column + 1
            elif tag == "row":
                finished.append(list(row))

        def chars(text: str) -> None:
            if cell["capture"]:
                cell["text"].append(text)

        parser = expat.ParserCreate(namespace_separator=" ")
        parser.buffer_text = True
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.CharacterDataHandler = chars
        try:
            with self.archive.open(self.sheet_path) as source:
                while chunk := source.read(_CHUNK):
                    parser.Parse(chunk, False)
                    yield from finished
                    finished.clear()
                parser.Parse(b"", True)
                yield from finished
        except (expat.ExpatError, KeyError, IndexError, ValueError) as error:
            raise XlsxFormatError(str(error)) from error

    def serial_to_date(self, value: float) -> datetime.date:
        """An Excel serial day number as a date (1900 or 1904 system)."""
        if self.date1904:
            return datetime.date(1904, 1, 1) + datetime.timedelta(days=int(value))
        # The 1900 system counts a 29 February 1900 that never was.
        days = int(value)
        if days < 1:
            raise ValueError("not a date")
        return datetime.date(1899, 12, 30 if days >= 60 else 31) + datetime.timedelta(days=days)
