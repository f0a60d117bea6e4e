"""The question bank as CSV, for authors who prefer a spreadsheet.

One row per question. The question columns carry the keys of the JSON format
(see quizzes/bank/import_export.py); services and layers hold slugs separated by spaces or
``|``; then come numbered choice columns::

    ref,kind,choose,difficulty,status,lesson,services,layers,stem,explanation,
    sources,correction,choice_1_text,choice_1_correct,choice_1_rationale,choice_2_text,…

``sources`` holds one AWS page per line of the cell (the link, a space, the
title); ``correction`` is optional (see quizzes/bank/import_export.py).

``choice_N_correct`` is ``yes`` or ``no``. A choice whose three cells are blank
is skipped, so questions with fewer choices than the widest one simply leave
the last columns empty.

The export can add the item statistics (quizzes/bank/item_analysis.py) for authors
who sort and filter the bank in a spreadsheet: ``answered``, ``facility``,
``discrimination`` and ``flags`` after the question columns, and
``choice_N_picks`` after each choice's rationale. They describe learners'
answers, not the question, so an import accepts these columns and ignores them:
a file exported with statistics can be edited and imported back as it is.

This module only translates between CSV and the bank's dict: whether the
questions themselves are acceptable is decided by ``bank_import``, the same
check the JSON file and the management command go through. Problems that stop
the translation (a missing column, a flag that isn't yes/no, bytes that aren't
UTF-8) raise ``BankImportError`` with one message per problem.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping

from lessons.sources import sources_from_lines, sources_to_lines
from quizzes.bank.import_export import FORMAT, VERSION, BankImportError
from quizzes.bank.item_analysis import ExportStatistics

QUESTION_COLUMNS = [
    "ref",
    "kind",
    "choose",
    "difficulty",
    "status",
    "lesson",
    "services",
    "layers",
    "stem",
    "explanation",
    "sources",
    "correction",
]
STATISTICS_COLUMNS = ["answered", "facility", "discrimination", "flags"]
KNOWN_COLUMNS = frozenset(QUESTION_COLUMNS + STATISTICS_COLUMNS)
REQUIRED_COLUMNS = ["ref", "kind", "choose", "difficulty", "lesson", "stem", "explanation"]
LIST_COLUMNS = ("services", "layers")
INT_COLUMNS = ("choose", "difficulty")
CHOICE_PARTS = ("text", "correct", "rationale")
CHOICE_COLUMN = re.compile(r"choice_([1-9][0-9]*)_(text|correct|rationale|picks)")
SEPARATORS = re.compile(r"[\s|]+")
YES, NO = "yes", "no"


def choice_columns(count: int, *, picks: bool = False) -> list[str]:
    parts = (*CHOICE_PARTS, "picks") if picks else CHOICE_PARTS
    return [f"choice_{n}_{part}" for n in range(1, count + 1) for part in parts]


def bank_to_csv(data: dict, statistics: Mapping[str, ExportStatistics] | None = None) -> str:
    """The bank dict (as ``bank_export`` builds it) as CSV text, header first.

    With `statistics` (``statistics_by_ref``), the statistics columns come too.
    """
    questions = data["questions"]
    widest = max((len(item["choices"]) for item in questions), default=0)
    with_stats = statistics is not None
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        QUESTION_COLUMNS
        + (STATISTICS_COLUMNS if with_stats else [])
        + choice_columns(widest, picks=with_stats)
    )
    for item in questions:
        stats = statistics.get(item["ref"]) if with_stats else None
        row = [_cell_text(item, column) for column in QUESTION_COLUMNS]
        if with_stats:
            row += _statistics_cells(stats)
        for n, choice in enumerate(item["choices"]):
            row += [
                choice["text"],
                YES if choice.get("is_correct") else NO,
                choice.get("rationale", ""),
            ]
            if with_stats:
                row.append(str(stats.picks[n]) if stats and n < len(stats.picks) else "")
        width = len(CHOICE_PARTS) + with_stats
        row += [""] * (width * (widest - len(item["choices"])))
        writer.writerow(row)
    return out.getvalue()


def _statistics_cells(stats: ExportStatistics | None) -> list[str]:
    if stats is None:
        return [""] * len(STATISTICS_COLUMNS)
    return [
        str(stats.answered),
        _two_places(stats.facility),
        _two_places(stats.discrimination),
        "; ".join(stats.flags),
    ]


def _two_places(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _cell_text(item: dict, column: str) -> str:
    if column in LIST_COLUMNS:
        return " ".join(item.get(column, []))
    if column == "sources":
        return sources_to_lines(item.get("sources", []))
    return str(item.get(column, ""))


def bank_from_csv(content: bytes | str) -> dict:
    """CSV (bytes in UTF-8, with or without a BOM, or text) as the bank dict.

    Rows are numbered as a spreadsheet shows them: the header is row 1.
    """
    text = _decode(content)
    if not text.strip():
        raise BankImportError(["The CSV file is empty: it needs a header row and a question row."])
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as error:
        raise BankImportError([f"The file could not be read as CSV: {error}."]) from None
    header = [cell.strip() for cell in rows[0]]
    columns, choice_numbers = _columns(header)
    problems: list[str] = []
    questions = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # spreadsheets leave blank rows behind
        item, row_problems = _question(number, row, header, columns, choice_numbers)
        problems += row_problems
        questions.append(item)
    if not questions and not problems:
        problems.append("The CSV file has a header but no question rows.")
    if problems:
        raise BankImportError(problems)
    return {"format": FORMAT, "version": VERSION, "questions": questions}


def _decode(content: bytes | str) -> str:
    if isinstance(content, str):
        return content.removeprefix("\ufeff")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise BankImportError(
            [
                f"The file is not UTF-8 text (undecodable byte at position {error.start}). "
                "Save the spreadsheet as “CSV UTF-8” and try again."
            ]
        ) from None


def _columns(header: list[str]) -> tuple[dict[str, int], list[int]]:
    """Column name → index, and the choice numbers present; raises on a bad header."""
    problems = []
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue  # an unnamed column (a trailing comma) is ignored
        if name in columns:
            problems.append(f"Row 1: the column “{name}” appears twice.")
        elif name not in KNOWN_COLUMNS and not CHOICE_COLUMN.fullmatch(name):
            problems.append(
                f"Row 1: unknown column “{name}”. Question columns are "
                f"{', '.join(QUESTION_COLUMNS)}; choices use choice_N_text, "
                "choice_N_correct and choice_N_rationale (statistics columns from an "
                f"export, {', '.join(STATISTICS_COLUMNS)} and choice_N_picks, are ignored)."
            )
        columns[name] = index
    problems += [
        f"Row 1: the required column “{name}” is missing."
        for name in REQUIRED_COLUMNS
        if name not in columns
    ]
    numbers = sorted(
        {int(match[1]) for name in columns if (match := CHOICE_COLUMN.fullmatch(name))}
    )
    for n in numbers:
        for part in ("text", "correct"):
            if f"choice_{n}_{part}" not in columns:
                problems.append(f"Row 1: the column “choice_{n}_{part}” is missing.")
    if problems:
        raise BankImportError(problems)
    return columns, numbers


def _question(
    number: int, row: list[str], header: list[str], columns: dict[str, int], choices: list[int]
) -> tuple[dict, list[str]]:
    def cell(name: str) -> str:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else ""

    ref = cell("ref").strip()
    where = f"Row {number}" + (f" ({ref})" if ref else "")
    problems = []
    if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
        problems.append(f"{where}: has {len(row)} cells but the header names {len(header)}.")
    item: dict = {}
    for name in QUESTION_COLUMNS:
        if name not in columns:
            continue
        value = cell(name)
        if name in LIST_COLUMNS:
            item[name] = [slug for slug in SEPARATORS.split(value) if slug]
        elif name in INT_COLUMNS:
            try:
                item[name] = int(value.strip())
            except ValueError:
                problems.append(f"{where}: “{name}” must be a whole number, not “{value}”.")
                item[name] = value
        elif name in ("status", "correction"):
            if value.strip():
                item[name] = value.strip()
        elif name in ("stem", "explanation"):
            item[name] = value
        elif name == "sources":
            item[name] = sources_from_lines(value)
        else:
            item[name] = value.strip()
    item["choices"] = []
    for n in choices:
        text, flag, rationale = (cell(f"choice_{n}_{part}") for part in CHOICE_PARTS)
        if not (text.strip() or flag.strip() or rationale.strip()):
            continue
        if not text.strip():
            problems.append(f"{where}: choice {n} has no text.")
        correct = flag.strip().lower()
        if correct not in (YES, NO):
            problems.append(f"{where}: choice_{n}_correct must be yes or no, not “{flag}”.")
        item["choices"].append(
            {"text": text, "is_correct": correct == YES, "rationale": rationale}
        )
    return item, problems
