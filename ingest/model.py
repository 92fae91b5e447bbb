"""The data that flows through ingest: file -> pages -> clean text -> clause tree -> tagged clauses.

Every type is a frozen dataclass so that parsing and tagging stay pure (text in, values out).
Offsets are always character offsets into ``CleanDocument.text`` (the cleaned, display text),
half-open ``[start, end)``, so the UI can highlight exactly what a clause or attribution covers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("lead", "cooperate", "responsible")


@dataclass(frozen=True)
class Box:
    """Where a piece of text is printed: its page and a rectangle in fractions (0-1) of the page's
    width and height from the top-left corner, so it can be drawn on any rendering of the page."""

    page: int
    left: float
    top: float
    right: float
    bottom: float


@dataclass(frozen=True)
class OcrLine:
    """One line of a page read by OCR, in reading order."""

    text: str
    box: Box
    confidence: float  # the recogniser's score, 0-1


@dataclass(frozen=True)
class PageScan:
    """How OCR read a page that had no text layer (or almost none)."""

    number: int
    confidence: float  # mean line confidence, weighted by characters; 0 when nothing was read
    flagged: bool  # low confidence or a noisy scan: a person should check the page against the scan
    lines: tuple[OcrLine, ...] = ()  # ``Page.text`` is their texts, one per line, in this order
    image: bytes = b""  # the page as a JPEG, so a reader can see where a clause is printed
    noise: float = 0.0  # share of the page's pixels that are isolated specks (a dirty or faxed scan)


@dataclass(frozen=True)
class Page:
    """Text of one physical page (or the whole body, for formats without pages)."""

    number: int | None
    text: str
    scan: PageScan | None = None  # set when the text came from OCR


@dataclass(frozen=True)
class RawDocument:
    """What a reader produced from one file, before any clean-up."""

    source: str  # file name as given (no directories), for messages and provenance
    format: str  # "pdf" | "docx" | "html" | "txt" | "ofd" | "doc" | "wps" | "rtf"
    pages: tuple[Page, ...]
    # Metadata a format carries outside the body text, e.g. the gov.cn table 索引号/发文机关/….
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Region:
    """A span ``[start, end)`` of the clean text and the box on the page image it was read from."""

    start: int
    end: int
    box: Box


@dataclass(frozen=True)
class CleanDocument:
    """Body text with layout noise removed; page provenance kept as offsets."""

    text: str
    # page_starts[i] is the offset in ``text`` where page ``page_numbers[i]`` begins.
    page_starts: tuple[int, ...] = ()
    page_numbers: tuple[int, ...] = ()
    # Lines removed from the body but worth keeping: 版头 (red header), 版记 (抄送/印发), …
    front_matter: tuple[str, ...] = ()
    back_matter: tuple[str, ...] = ()
    # Where OCR'd text is printed: spans of ``text`` with the box of the line they came from. Not kept
    # in the store: each clause keeps its own boxes (``Clause.boxes``).
    regions: tuple[Region, ...] = ()

    def boxes_in(self, start: int, end: int) -> tuple[Box, ...]:
        """The boxes of the OCR lines that hold any of ``text[start:end]``, in text order."""
        return tuple(dict.fromkeys(r.box for r in self.regions if r.start < end and start < r.end))

    def page_at(self, offset: int) -> int | None:
        """The page number that holds ``offset``, or None for formats without pages."""
        page = None
        for start, number in zip(self.page_starts, self.page_numbers, strict=True):
            if start > offset:
                break
            page = number
        return page


@dataclass(frozen=True)
class DocumentMeta:
    title: str = ""
    issuer: str = ""  # 发文机关
    doc_number: str = ""  # 文号, e.g. 鲁政发〔2023〕16号
    date: str = ""  # date of issue (成文日期), ISO yyyy-mm-dd where it could be read
    recipients: str = ""  # 主送
    public_status: str = ""  # e.g. 此件公开发布
    index_number: str = ""  # 索引号 (gov.cn)
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Department:
    printed: str  # as printed in the document, e.g. 省发改委
    canonical: str  # from the alias table, e.g. 省发展改革委; equals printed when unknown
    known: bool = False  # the alias table knows the name; False: recognised by its shape only


# How an attribution is carried: a bracket （X牵头，Y配合）, a label line 牵头单位：X, a sentence
# 由X牵头…, a row of a task table.
CARRIERS = ("bracket", "label", "sentence", "table")


@dataclass(frozen=True)
class Attribution:
    """One attribution, e.g. （省发展改革委牵头，省有关部门配合）, bound to the sentence(s) it covers."""

    raw: str  # the carrier as printed: a bracket's inside, a label line, a sentence, a table row
    start: int  # span of the carrier (a bracket including its brackets) in the clean text
    end: int
    # The span of the sentence(s) the attribution binds to (its own sentence run, or the table row).
    scope_start: int
    scope_end: int
    lead: tuple[Department, ...] = ()
    cooperate: tuple[Department, ...] = ()
    responsible: tuple[Department, ...] = ()
    generic: tuple[str, ...] = ()  # 省有关部门, 各市政府, 相关部门及各地区 …
    carrier: str = "bracket"  # one of CARRIERS
    deadline: str = ""  # as printed after 完成时限： or in a table's 完成时限 column


@dataclass(frozen=True)
class Unparsed:
    """A carrier with role words whose names are not recognisable units, kept for review."""

    raw: str
    start: int
    end: int


@dataclass(frozen=True)
class Target:
    """One quantitative target, e.g. 到2025年 / 省级现代服务业集聚区 / 120 / 家."""

    metric: str
    value: str  # as printed, e.g. ２００ or 1.5
    number: float | None  # value folded and parsed, for sorting and charts
    unit: str  # 家, 个, 亿元, %, …
    qualifier: str  # 以上 / 左右 / 超过 / 不少于 / "" …
    timeframe: str  # 到2025年 / 每年 / 年均 / 2023－2024年 / ""
    year: int | None  # deadline year where the time frame names one
    start: int
    end: int


@dataclass(frozen=True)
class Clause:
    """A numbered item of the document tree, with its own text (children are separate clauses)."""

    index: int  # position in document order, 0-based; unique within a document
    path: str  # numbering as printed from the root, e.g. 三、（一）6．
    number: str  # this level's number as printed, e.g. 6．
    level: int  # 10 for 一、, 20 for （一）, 30 for 1．… (the pattern's rank, ingest/data/numbering.toml)
    heading: str  # short title, e.g. 建设新型基础设施
    text: str  # the clause's own text, number included, as displayed
    start: int
    end: int
    parent: int | None  # index of the parent clause
    page_start: int | None = None
    page_end: int | None = None
    attributions: tuple[Attribution, ...] = ()
    targets: tuple[Target, ...] = ()
    unparsed: tuple[Unparsed, ...] = ()
    # A clause made from a task-table row: its cells by column (序号 number, 重点任务 task, 主要内容
    # content, 牵头单位 lead, …, 完成时限 deadline), as printed.
    cells: tuple[tuple[str, str], ...] = ()
    boxes: tuple[Box, ...] = ()  # where the clause is printed, for a clause read by OCR

    def cell(self, column: str) -> str:
        return dict(self.cells).get(column, "")

    def departments(self, role: str) -> tuple[Department, ...]:
        """Departments with ``role`` over all attributions of the clause, first-seen order."""
        seen: dict[str, Department] = {}
        for attribution in self.attributions:
            for dept in getattr(attribution, role):
                seen.setdefault(dept.printed, dept)
        return tuple(seen.values())

    @property
    def generic(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(g for a in self.attributions for g in a.generic))

    @property
    def deadline(self) -> str:
        """The deadlines printed with the clause's attributions (完成时限), joined."""
        return "；".join(dict.fromkeys(a.deadline for a in self.attributions if a.deadline))


@dataclass(frozen=True)
class ParsedDocument:
    doc_id: str  # stable id derived from the file name, unique in a store
    source: str
    format: str
    content_hash: str  # sha256 of the file bytes
    meta: DocumentMeta
    clean: CleanDocument
    clauses: tuple[Clause, ...]
    scans: tuple[PageScan, ...] = ()  # the pages read by OCR, in page order
