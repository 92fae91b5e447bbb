"""Clean text -> the numbered clause tree (untagged ``Clause`` values).

A heading is an item number at the start of a line (see ``numbering.py``). Numbers inside sentences
("形成1－2个", "2023年", a mid-line "（1）") are never headings because they do not start a line; a
line that starts with a number only because a sentence was broken there ("（十二）项规定…") is
rejected by the numbering rules or by the sequence check below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.model import Clause
from ingest.numbering import ItemNumber, fold_width, match_number

# A number may skip this many values after the previous one at its level (a typo in the source,
# an item lost in extraction) and still count as the next item; bigger jumps are a broken line.
MAX_SEQUENCE_GAP = 2
# The heading is the item's words up to the first sentence end.
_HEADING_END = re.compile(r"[。．；;：:？！?!]|\.(?![0-9])")
# The signature block after the last clause: issuer line, date line ("2018年11月16日").
_DATE_LINE = re.compile(
    r"^[ \t]*[0-9]{4}[ \t]*年[ \t]*[0-9]{1,2}[ \t]*月[ \t]*[0-9]{1,2}[ \t]*日[ \t]*$", re.M
)
# An issuer line above the date is short and has no sentence punctuation.
MAX_SIGNATURE_CHARS = 30
_SENTENCE_MARKS = "。，；："
# Lines that open the back matter: an attachment ("附件：1.…", "附件1") or the 版记 ("抄送：…").
_BACK_MATTER = re.compile(
    r"^[ \t\u3000]*(?:附件[ \t\u3000]*(?:[:：]|[0-9０-９一二三四五六七八九十]*[ \t\u3000]*$)|抄送[:：])", re.M
)


@dataclass(frozen=True)
class _Heading:
    number: ItemNumber
    start: int  # offset of the number in the text
    body: int  # offset of the item's words
    line_end: int


def _headings(text: str) -> list[_Heading]:
    """Every line that starts with a plausible item number, in order."""
    found: list[_Heading] = []
    last_value: dict[int, int] = {}  # rank -> last accepted value at that rank
    offset = 0
    for line in text.splitlines(keepends=True):
        number = match_number(line)
        if number and _continues_sequence(number, last_value):
            last_value[number.level.rank] = number.value
            stripped = line.rstrip("\r\n")
            found.append(
                _Heading(number, offset + number.start, offset + number.body, offset + len(stripped))
            )
        offset += len(line)
    return found


def _continues_sequence(number: ItemNumber, last_value: dict[int, int]) -> bool:
    """A heading is item 1 of a new list or comes shortly after the last item of its level.

    The last value is kept across parents because some documents number items through the whole
    document (国办发〔2020〕45号 numbers 1．-20． across seven （一）groups).
    """
    previous = last_value.get(number.level.rank)
    if number.value == 1:
        return True
    if previous is None:  # a list whose first items were lost in extraction
        return number.value <= 1 + MAX_SEQUENCE_GAP
    return previous < number.value <= previous + MAX_SEQUENCE_GAP


def _heading_text(text: str, heading: _Heading) -> str:
    line = text[heading.body : heading.line_end]
    stop = _HEADING_END.search(fold_width(line))
    return (line[: stop.start()] if stop else line).strip()


def _back_matter_start(text: str, after: int) -> int:
    """Where attachments (附件…) or the 版记 (抄送…) begin after the first heading, else the end.

    Only after the first heading: a 印发 notice lists its 附件 before the attached plan itself.
    """
    found = _BACK_MATTER.search(text, after)
    return found.start() if found else len(text)


def _signature_start(text: str, last_heading: int, end: int) -> int:
    """Where the signature block (issuer line, date line) after the last heading begins, else ``end``."""
    dates = [m for m in _DATE_LINE.finditer(fold_width(text), last_heading, end)]
    if not dates:
        return end
    cut = dates[-1].start()
    previous = text[:cut].rstrip().rsplit("\n", 1)
    issuer = previous[-1].strip()
    if len(previous) == 2 and len(issuer) <= MAX_SIGNATURE_CHARS and not set(issuer) & set(_SENTENCE_MARKS):
        cut = len(previous[0]) + 1
    return cut


def _trimmed_end(text: str, start: int, end: int) -> int:
    return start + len(text[start:end].rstrip())


def segment(text: str) -> tuple[Clause, ...]:
    """The clause tree of ``text`` in document order; the text before the first number is no clause."""
    headings = _headings(text)
    if not headings:
        return ()
    back_matter = _back_matter_start(text, headings[0].line_end)
    headings = [h for h in headings if h.start < back_matter]
    stops = [h.start for h in headings[1:]] + [_signature_start(text, headings[-1].start, back_matter)]
    clauses: list[Clause] = []
    stack: list[Clause] = []  # open ancestors, lowest rank first
    for index, (heading, stop) in enumerate(zip(headings, stops, strict=True)):
        rank = heading.number.level.rank
        while stack and stack[-1].level >= rank:
            stack.pop()
        parent = stack[-1] if stack else None
        number = text[heading.start : heading.start + heading.number.end - heading.number.start]
        end = _trimmed_end(text, heading.start, max(stop, heading.line_end))
        clause = Clause(
            index=index,
            path=(parent.path if parent else "") + number,
            number=number,
            level=rank,
            heading=_heading_text(text, heading),
            text=text[heading.start : end],
            start=heading.start,
            end=end,
            parent=parent.index if parent else None,
        )
        clauses.append(clause)
        stack.append(clause)
    return tuple(clauses)
