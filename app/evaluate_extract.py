"""Attribution extraction against hand-made gold (``tests/gold``): precision, recall and F1.

Two measures, both over (clause, role, department) with departments compared as printed (folded):
* clause: the clause's departments by role against the gold clause's (the issue's headline figure);
* attribution: each gold attribution is paired with the extracted attribution whose text overlaps
  it most in the same clause, and scored on its own, so a department given the wrong sentence's role
  counts. Each triple carries the style of its gold attribution, which gives the per-style figures;
  an extracted attribution with no gold partner is style ``(none)`` (all false positives).
Collective phrases (``generic``) are scored apart, as a set per clause.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from ingest.model import ROLES, Attribution, ParsedDocument
from ingest.units import normalise

SPLITS = ("tune", "heldout")
UNMATCHED_STYLE = "(none)"
# A gold and an extracted attribution are one when this share of the gold text is their common run.
MIN_OVERLAP = 0.5


class GoldFileError(ValueError):
    """A gold file that cannot be read; ``str`` names the file and line."""


@dataclass(frozen=True)
class GoldAttribution:
    path: str
    heading: str
    raw: str
    style: str
    lead: tuple[str, ...]
    cooperate: tuple[str, ...]
    responsible: tuple[str, ...]
    generic: tuple[str, ...]


@dataclass(frozen=True)
class GoldDocument:
    key: str
    source: str
    title: str
    level: str
    split: str
    attributions: tuple[GoldAttribution, ...]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class DocumentScore:
    gold: GoldDocument
    clause: Counts = field(default_factory=Counts)
    attribution: Counts = field(default_factory=Counts)
    generic: Counts = field(default_factory=Counts)
    by_style: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    differences: list[str] = field(default_factory=list)
    error: str | None = None


def load_gold(path: Path) -> GoldDocument:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        head = json.loads(lines[0])["doc"]
        rows = [json.loads(line) for line in lines[1:]]
        attributions = tuple(
            GoldAttribution(
                row["path"],
                row.get("heading", ""),
                row["raw"],
                row["style"],
                *(tuple(row.get(role, ())) for role in (*ROLES, "generic")),
            )
            for row in rows
        )
        document = GoldDocument(
            head["key"],
            head["source"],
            head.get("title", ""),
            head.get("level", ""),
            head["split"],
            attributions,
        )
    except (IndexError, KeyError, TypeError, ValueError) as exc:
        raise GoldFileError(f"{path}: not a gold file ({type(exc).__name__}: {exc})") from exc
    if document.split not in SPLITS:
        raise GoldFileError(f"{path}: split must be one of {SPLITS}, got {document.split!r}")
    return document


def load_gold_dir(folder: Path) -> list[GoldDocument]:
    return [load_gold(path) for path in sorted(folder.glob("*.jsonl"))]


# A file name of at most this many characters (each 3 bytes in UTF-8: well under the 255-byte limit).
EXPORT_NAME_CHARS = 60
_UNSAFE_NAME = re.compile(r"[\\/:*?\"<>|\s]+")


def export_names(documents: Sequence[GoldDocument]) -> dict[str, str]:
    """Gold key -> the file name stem a document is exported under: its title, as a user names a
    file (the title of a body-only text then comes from its name), made unique with -2, -3 …"""
    names: dict[str, str] = {}
    for gold in documents:
        stem = _UNSAFE_NAME.sub("", gold.title)[:EXPORT_NAME_CHARS] or gold.key
        unique, n = stem, 2
        while unique in names.values():
            unique, n = f"{stem}-{n}", n + 1
        names[gold.key] = unique
    return names


def export_documents(
    documents: Sequence[GoldDocument], load: Callable[[str], tuple[bytes, str] | None], out: Path
) -> list[Path]:
    """Write each gold document into ``out`` under its ``export_names`` name, for an index that
    questions about the gold can be asked of. ``load`` gives a source's bytes and file name, or None
    when it is absent."""
    out.mkdir(parents=True, exist_ok=True)
    names, written = export_names(documents), []
    for gold in documents:
        found = load(gold.source)
        if found is None:
            continue
        data, name = found
        path = out / f"{names[gold.key]}{Path(name).suffix}"
        path.write_bytes(data)
        written.append(path)
    return written


def path_key(path: str) -> str:
    return normalise(path)


def _triples(path: str, by_role: Iterable[tuple[str, Iterable[str]]]) -> set[tuple[str, str, str]]:
    return {(path_key(path), role, normalise(name)) for role, names in by_role for name in names}


def _gold_roles(a: GoldAttribution) -> list[tuple[str, tuple[str, ...]]]:
    return [(role, getattr(a, role)) for role in ROLES]


def _extracted_roles(a: Attribution) -> list[tuple[str, list[str]]]:
    return [(role, [d.printed for d in getattr(a, role)]) for role in ROLES]


def _generic_pieces(names: Iterable[str]) -> set[str]:
    return {normalise(n) for n in names}


def _counts(gold: set, got: set) -> Counts:
    return Counts(len(gold & got), len(got - gold), len(gold - got))


def _overlap(gold_raw: str, text: str) -> float:
    a, b = normalise(gold_raw), normalise(text)
    if not a or not b:
        return 0.0
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size / min(len(a), len(b))


def score_document(gold: GoldDocument, parsed: ParsedDocument) -> DocumentScore:
    result = DocumentScore(gold)
    text = parsed.clean.text
    extracted: dict[str, list[Attribution]] = defaultdict(list)
    for clause in parsed.clauses:
        extracted[path_key(clause.path)].extend(clause.attributions)
    gold_by_path: dict[str, list[GoldAttribution]] = defaultdict(list)
    for attribution in gold.attributions:
        gold_by_path[path_key(attribution.path)].append(attribution)
    for path in sorted(set(extracted) | set(gold_by_path)):
        _score_clause(result, path, gold_by_path.get(path, []), extracted.get(path, []), text)
    return result


def _score_clause(
    result: DocumentScore, path: str, gold: list[GoldAttribution], got: list[Attribution], text: str
) -> None:
    gold_set = set().union(*(_triples(path, _gold_roles(a)) for a in gold)) if gold else set()
    got_set = set().union(*(_triples(path, _extracted_roles(a)) for a in got)) if got else set()
    result.clause.add(_counts(gold_set, got_set))
    result.generic.add(
        _counts(
            _generic_pieces(g for a in gold for g in a.generic),
            _generic_pieces(g for a in got for g in a.generic),
        )
    )
    for gold_attribution, partner in _pairs(gold, got, text):
        g = _triples(path, _gold_roles(gold_attribution)) if gold_attribution else set()
        e = _triples(path, _extracted_roles(partner)) if partner else set()
        counts = _counts(g, e)
        result.attribution.add(counts)
        result.by_style[gold_attribution.style if gold_attribution else UNMATCHED_STYLE].add(counts)
        if g != e:
            result.differences.append(_difference(path, gold_attribution, partner, g, e))


def _pairs(
    gold: list[GoldAttribution], got: list[Attribution], text: str
) -> list[tuple[GoldAttribution | None, Attribution | None]]:
    """Each gold attribution with its best-overlapping extracted one (greedy), then the leftovers."""
    scored = sorted(
        (
            (max(_overlap(g.raw, a.raw), _overlap(g.raw, text[a.scope_start : a.scope_end])), i, j)
            for i, g in enumerate(gold)
            for j, a in enumerate(got)
        ),
        reverse=True,
    )
    paired: dict[int, int] = {}
    used: set[int] = set()
    for overlap, i, j in scored:
        if overlap >= MIN_OVERLAP and i not in paired and j not in used:
            paired[i] = j
            used.add(j)
    out: list[tuple[GoldAttribution | None, Attribution | None]] = [
        (g, got[paired[i]] if i in paired else None) for i, g in enumerate(gold)
    ]
    return out + [(None, a) for j, a in enumerate(got) if j not in used]


def _difference(path: str, gold: GoldAttribution | None, got: Attribution | None, g: set, e: set) -> str:
    def show(triples: set) -> str:
        return "; ".join(f"{role}:{name}" for _, role, name in sorted(triples, key=lambda t: (t[1], t[2])))

    raw = gold.raw if gold else (got.raw if got else "")
    return (
        f"  [{path or '(preamble)'}] {raw[:60]!r}\n"
        f"      missing: {show(g - e) or '-'}\n      extra:   {show(e - g) or '-'}"
    )


@dataclass
class Report:
    documents: list[DocumentScore]
    skipped: list[str]

    def total(self, measure: str, split: str | None = None) -> Counts:
        counts = Counts()
        for doc in self.documents:
            if split is None or doc.gold.split == split:
                counts.add(getattr(doc, measure))
        return counts

    def styles(self, split: str | None = None) -> dict[str, Counts]:
        out: dict[str, Counts] = defaultdict(Counts)
        for doc in self.documents:
            if split is None or doc.gold.split == split:
                for style, counts in doc.by_style.items():
                    out[style].add(counts)
        return dict(sorted(out.items()))


def evaluate(
    documents: Sequence[GoldDocument], parse: Callable[[GoldDocument], ParsedDocument | None]
) -> Report:
    """``parse`` returns the parsed document, or None when its source is absent (then it is skipped)."""
    scores, skipped = [], []
    for gold in documents:
        parsed = parse(gold)
        if parsed is None:
            skipped.append(gold.key)
            continue
        scores.append(score_document(gold, parsed))
    return Report(scores, skipped)


def format_report(report: Report, verbose: bool = False) -> list[str]:
    """The report as text lines: per document, per style and overall, tuned and held-back apart."""
    lines = [f"{'document':58} {'split':7} {'gold':>4} {'P':>6} {'R':>6} {'F1':>6}"]
    for doc in report.documents:
        c = doc.clause
        lines.append(f"{doc.gold.key[:58]:58} {doc.gold.split:7} {c.tp + c.fn:4d} {_figures(c)}")
        if verbose:
            lines += doc.differences
    for split in (*SPLITS, None):
        name = split or "all"
        lines.append("")
        lines.append(
            f"== {name}: clause × role × department  {_figures(report.total('clause', split))}"
            f"  (gold {_gold(report.total('clause', split))})"
        )
        lines.append(f"   attribution-level  {_figures(report.total('attribution', split))}")
        lines.append(f"   generic phrases    {_figures(report.total('generic', split))}")
        for style, counts in report.styles(split).items():
            lines.append(f"   style {style:20} {_figures(counts)}  (gold {_gold(counts)})")
    if report.skipped:
        lines.append("")
        lines.append(f"skipped (source not found): {', '.join(report.skipped)}")
    return lines


def _figures(c: Counts) -> str:
    return f"P {c.precision:.3f} R {c.recall:.3f} F1 {c.f1:.3f}"


def _gold(c: Counts) -> int:
    return c.tp + c.fn
