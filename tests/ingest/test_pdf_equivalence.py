"""The plan typeset as a government PDF gives the same clauses through pdfplumber as from its text.

The PDF is rendered from the plan's own clean text in 公文 layout: the title, a running header on
every page, "— N —" footers and hard-wrapped lines, so clauses and department names break across
lines and pages exactly as in a printed document.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from render import render_pdf

from ingest.pipeline import parse_bytes

PLAN = Path(__file__).parents[2] / "corpus" / "shandong_2023_county_economy_plan_PDFTEXT.txt"
CHARS_PER_LINE = 28  # a 公文 line at 三号 on A4 holds 28 characters (GB/T 9704-2012)
LINES_PER_PAGE = 22  # and a page 22 lines


def clause_view(document) -> list[tuple]:
    # Where a paragraph ends inside a clause depends on where the lines happen to wrap (a sentence
    # ending flush with the margin is ambiguous), so paragraph breaks are compared as layout.
    return [
        (
            c.path,
            c.heading,
            c.text.replace("\n", ""),
            tuple(d.printed for d in c.departments("lead")),
            tuple(d.printed for d in c.departments("cooperate")),
            tuple((t.metric, t.value, t.unit) for t in c.targets),
        )
        for c in document.clauses
    ]


def typeset_plan(render: Callable[..., bytes], from_text, **options: object) -> bytes:
    """The plan's title and body set in 公文 layout by ``render`` (render_pdf, render_ofd …)."""
    body = from_text.clean.text[from_text.clauses[0].start :].split("\n")
    return render(
        [from_text.meta.title, *body],
        header="山 东 省 人 民 政 府",
        chars_per_line=CHARS_PER_LINE,
        lines_per_page=LINES_PER_PAGE,
        **options,
    )


@pytest.fixture(scope="module")
def from_text():
    return parse_bytes(PLAN.read_bytes(), PLAN.name)


@pytest.fixture(scope="module")
def from_pdf(from_text):
    return parse_bytes(typeset_plan(render_pdf, from_text), "plan.pdf")


def test_the_pdf_breaks_clauses_and_names_across_pages(from_pdf):
    pages = {c.page_start for c in from_pdf.clauses}
    assert len(pages) > 5
    assert any(c.page_start != c.page_end for c in from_pdf.clauses)


def test_same_clauses_as_from_text(from_text, from_pdf):
    assert clause_view(from_pdf) == clause_view(from_text)


def test_pdf_clause_pages_are_real_page_numbers(from_pdf):
    first = from_pdf.clauses[0]
    assert (first.path, first.page_start) == ("一、", 1)
    assert from_pdf.clauses[-1].page_end == max(c.page_end for c in from_pdf.clauses)


def test_an_attribution_is_split_across_a_page_break(from_pdf):
    page_at = from_pdf.clean.page_at
    split = [
        a.raw for c in from_pdf.clauses for a in c.attributions if page_at(a.start) != page_at(a.end - 1)
    ]
    assert split, "the layout no longer splits an attribution across pages: the test proves nothing"
