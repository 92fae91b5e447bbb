"""Extraction through the PDF reader: every gold document typeset as a 公文 PDF and scored again.

    .venv/bin/python tests/ingest/pdf_gold.py [--gold tests/gold] [--shared ../shared]
        [--chars-per-line 28] [-v]

The gold's sources are texts; users mostly load PDFs. Each document's clean text is set in 公文
layout (28 characters a line, 22 lines a page, a running header and "— N —" footers, as in
test_pdf_equivalence.py), read back by the PDF reader, and scored against the same gold. The report
prints tune and held-out F1 from text and from PDF side by side, and, with -v, every clause whose
attributions differ between the two readings: those are the reader's and the cleaner's defects
(a name broken at a line end, a footer read into a sentence), not the tagger's. A document whose
text holds a table is left out (and counted): its rows would be typeset as wrapped lines, not as the
ruled table a real PDF prints, which test_tables.py renders and reads.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

from render import render_pdf  # noqa: E402

from app.cli import load_gold_source  # noqa: E402
from app.evaluate_extract import Report, evaluate, load_gold_dir, score_document  # noqa: E402
from ingest.pipeline import parse_bytes  # noqa: E402
from ingest.readers.pdf import TABLE_CELL_SEPARATOR  # noqa: E402

CHARS_PER_LINE = 28  # a 公文 line at 三号 on A4 (GB/T 9704-2012)
LINES_PER_PAGE = 22
HEADER = "人 民 政 府 文 件"


def typeset(text_document, chars_per_line: int = CHARS_PER_LINE) -> bytes:
    return render_pdf(
        text_document.clean.text.split("\n"),
        header=HEADER,
        chars_per_line=chars_per_line,
        lines_per_page=LINES_PER_PAGE,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=HERE.parents[1] / "tests" / "gold")
    parser.add_argument("--shared", type=Path, default=HERE.parents[2] / "shared")
    parser.add_argument("--chars-per-line", type=int, default=CHARS_PER_LINE)
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args()
    from_text, tables = {}, []
    for gold in load_gold_dir(args.gold):
        found = load_gold_source(gold.source, args.shared, args.gold)
        if found is None:
            continue
        parsed = parse_bytes(*found)
        if TABLE_CELL_SEPARATOR in parsed.clean.text:
            tables.append(gold.key)
        else:
            from_text[gold.key] = (gold, parsed)
    documents = [gold for gold, _ in from_text.values()]
    from_pdf = {
        key: parse_bytes(typeset(parsed, args.chars_per_line), f"{key}.pdf")
        for key, (_, parsed) in from_text.items()
    }
    reports = {
        "text": evaluate(documents, lambda gold: from_text[gold.key][1]),
        "pdf": evaluate(documents, lambda gold: from_pdf[gold.key]),
    }
    print(f"{len(documents)} documents typeset; {len(tables)} holding tables left out: {' '.join(tables)}")
    for split in ("tune", "heldout"):
        print(split, "  ".join(f"{name} {_figures(r, split)}" for name, r in reports.items()))
    if args.verbose:
        for gold, parsed in from_text.values():
            _show_differences(gold, parsed, from_pdf[gold.key])
    return 0


def _figures(report: Report, split: str) -> str:
    c = report.total("attribution", split)
    return f"P {c.precision:.3f} R {c.recall:.3f} F1 {c.f1:.3f}"


def _show_differences(gold, text_doc, pdf_doc) -> None:
    text_lines = set(score_document(gold, text_doc).differences)
    for line in score_document(gold, pdf_doc).differences:
        if line not in text_lines:
            print(f"{gold.key} [{gold.split}] pdf only: {line}")


if __name__ == "__main__":
    raise SystemExit(main())
