"""OCR benchmark: character accuracy and seconds per page on the plan typeset and scanned.

    .venv/bin/python tests/ingest/ocr_bench.py [--pages N] [--conditions clean "JPEG q=25" …]

The bundled plan is typeset in 公文 layout (as in test_pdf_equivalence.py), scanned at 200 dpi clean
and degraded (tests/ingest/scan.py), and read back by the PDF reader with OCR. For each condition it
prints seconds per page (OCR wall time, machine load included: run it on a quiet machine) and
CPU-seconds per page (all threads of the process, less sensitive to other load), the
character accuracy of the cleaned body text of each page against the text PDF's (1 - edit distance /
characters, after NFKC folding, which OCR cannot tell apart: ２ and 2, （ and ( ; running headers
and page numbers are not body text), the mean OCR confidence, the
pages flagged for review, and whether the clause tree and the departments equal those of the text.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parents[1])]

from render import render_pdf  # noqa: E402
from scan import CLEAN, DEGRADATIONS, cjk_font_installed, scan  # noqa: E402

from ingest.pipeline import parse_bytes, parse_raw  # noqa: E402
from ingest.readers import read_bytes  # noqa: E402
from ingest.text import fold  # noqa: E402

PLAN = HERE.parents[1] / "corpus" / "shandong_2023_county_economy_plan_PDFTEXT.txt"
HEADER = "山 东 省 人 民 政 府"
CHARS_PER_LINE = 28
LINES_PER_PAGE = 22


def typeset_plan(pages: int | None) -> bytes:
    """The plan as a text PDF in 公文 layout, cut to its first ``pages`` pages."""
    plan = parse_bytes(PLAN.read_bytes(), PLAN.name)
    body = plan.clean.text[plan.clauses[0].start :].split("\n")
    lines = [plan.meta.title, *body]
    pdf = render_pdf(lines, header=HEADER, chars_per_line=CHARS_PER_LINE, lines_per_page=LINES_PER_PAGE)
    if pages is None:
        return pdf
    limit = pages * LINES_PER_PAGE
    kept, count = [], 0
    for paragraph in lines:  # whole paragraphs until the pages are full
        count += -(-len(paragraph) // CHARS_PER_LINE)
        if count > limit:
            break
        kept.append(paragraph)
    return render_pdf(kept, header=HEADER, chars_per_line=CHARS_PER_LINE, lines_per_page=LINES_PER_PAGE)


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def page_texts(clean) -> dict[int, str]:
    """The clean body text of each page (running headers and page numbers removed)."""
    ends = (*clean.page_starts[1:], len(clean.text))
    return {n: clean.text[a:b] for n, a, b in zip(clean.page_numbers, clean.page_starts, ends, strict=True)}


def comparable(text: str) -> str:
    return "".join(fold(text).split())


def clause_view(document) -> list[tuple]:
    return [
        (
            fold(c.path),
            fold(c.heading),
            tuple(d.canonical for d in c.departments("lead")),
            tuple(d.canonical for d in c.departments("cooperate")),
            c.generic,
        )
        for c in document.clauses
    ]


def measure(pdf: bytes, condition: str) -> dict[str, object]:
    text_raw = read_bytes(pdf, "plan.pdf")
    degradation = CLEAN if condition == "clean" else DEGRADATIONS[condition]
    scanned = scan(pdf, degradation)
    started, cpu = time.perf_counter(), time.process_time()
    raw = read_bytes(scanned, "scan.pdf")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    from_text = parse_raw(text_raw, "text")
    from_scan = parse_raw(raw, "scan")
    want, got = page_texts(from_text.clean), page_texts(from_scan.clean)
    errors = sum(edit_distance(comparable(text), comparable(got.get(n, ""))) for n, text in want.items())
    chars = sum(len(comparable(text)) for text in want.values())
    scans = [p.scan for p in raw.pages if p.scan is not None]
    return {
        "condition": condition,
        "pages": len(raw.pages),
        "s/page": seconds / len(raw.pages),
        "cpu/page": cpu / len(raw.pages),
        "accuracy": 1 - errors / chars,
        "confidence": sum(s.confidence for s in scans) / len(scans),
        "flagged": [s.number for s in scans if s.flagged],
        "same clauses": clause_view(from_scan) == clause_view(from_text),
        "same text": [comparable(c.text) for c in from_scan.clauses]
        == [comparable(c.text) for c in from_text.clauses],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=None, help="only the first N pages (default: all)")
    parser.add_argument("--conditions", nargs="+", default=["clean", *DEGRADATIONS])
    args = parser.parse_args()
    if not cjk_font_installed():
        print("no CJK font installed (fonts-wqy-microhei): the scans would be blank")
        return 1
    pdf = typeset_plan(args.pages)
    print(
        f"{'condition':<14} pages  s/page  CPU-s/page  char accuracy  confidence  flagged"
        "  clauses+departments  text"
    )
    for condition in args.conditions:
        r = measure(pdf, condition)
        print(
            f"{r['condition']:<14} {r['pages']:>5}  {r['s/page']:>6.2f}  {r['cpu/page']:>10.2f}"
            f"  {r['accuracy']:>13.4f}"
            f"  {r['confidence']:>10.4f}  {r['flagged']!s:>7}  {r['same clauses']!s:>19}  {r['same text']}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
