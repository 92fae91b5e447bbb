"""Document metadata: ``extract_meta(raw, clean) -> DocumentMeta``.

HTML pages carry a metadata table (``RawDocument.fields``), which wins where it has a value; all other
formats are read from the printed document: the title lines at the top, the 版头 in front matter,
the 主送 line, the signature and date line of the notice, the （此件公开发布） note and the 版记.
Patterns live in ``data/meta_rules.toml``.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ingest.clean import is_front_line, starts_heading
from ingest.clean import rules as layout_rules
from ingest.model import CleanDocument, DocumentMeta, RawDocument
from ingest.text import fold, parse_chinese_date, squeeze

_DATE_LINE = re.compile(r"^[0-9０-９]{4}\s*年\s*[0-9０-９]{1,2}\s*月\s*[0-9０-９]{1,2}\s*日$")
_PRINTED_LINE = re.compile(r"^(?P<org>.*?)\s*(?P<date>[0-9０-９]{4}\s*年.*日)\s*印发$")
_SENTENCE_PUNCT = re.compile(r"[，。；：！？,;:!?]")
_FRONT_ONLY = re.compile(r"^(文件|签发人.*)$")


@dataclass(frozen=True)
class MetaRules:
    field_names: dict[str, tuple[str, ...]]
    doc_number: re.Pattern[str]
    title_search_lines: int
    title_max_chars: int
    wrapper_title: re.Pattern[str]
    published_title: re.Pattern[str]
    recipients_search_lines: int
    recipients_words: tuple[str, ...]
    public_status: re.Pattern[str]
    seal: re.Pattern[str]
    forwarded_author: re.Pattern[str]


@cache
def meta_rules() -> MetaRules:
    data = tomllib.loads(resources.files("ingest").joinpath("data/meta_rules.toml").read_text("utf-8"))
    text = data["text"]
    return MetaRules(
        field_names={name: tuple(labels) for name, labels in data["fields"].items()},
        doc_number=re.compile(text["doc_number"]),
        title_search_lines=text["title_search_lines"],
        title_max_chars=text["title_max_chars"],
        wrapper_title=re.compile(text["wrapper_title"]),
        published_title=re.compile(text["published_title"]),
        recipients_search_lines=text["recipients_search_lines"],
        recipients_words=tuple(text["recipients_words"]),
        public_status=re.compile(text["public_status"]),
        seal=re.compile(text["seal"]),
        forwarded_author=re.compile(text["forwarded_author"]),
    )


def extract_meta(raw: RawDocument, clean: CleanDocument) -> DocumentMeta:
    """Title, issuer, 文号, date, 主送 and public status of the document."""
    lines = [line.strip() for line in clean.text.splitlines()]
    printed_title = find_title_line(lines)
    notice = field(raw, "title") or printed_title or published_title(lines)
    title = own_title(notice, lines) or title_from_name(raw.source)
    extra = {"notice_title": notice} if title != notice else {}
    extra |= printed_by(clean.back_matter) | other_fields(raw)
    head = lines[: meta_rules().title_search_lines]
    return DocumentMeta(
        title=title,
        issuer=field(raw, "issuer") or find_issuer(clean.front_matter, lines, notice or title),
        doc_number=field(raw, "doc_number") or find_doc_number([*clean.front_matter, *head]),
        date=parse_chinese_date(field(raw, "date")) or find_date(lines) or extra.get("printed_date", ""),
        recipients=find_recipients(lines, lines.index(printed_title) if printed_title else -1),
        public_status=find_public_status([*lines, *clean.back_matter]),
        index_number=field(raw, "index_number"),
        extra=extra,
    )


def title_from_name(source: str) -> str:
    """A body-only export prints no title; its file name usually is the title (青岛市…行动计划.txt).
    Only a name with Chinese words counts: "plan-2023.txt" says nothing a citation could use."""
    stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0].strip()
    return stem if re.search(r"[\u4e00-\u9fff]{4}", stem) else ""


def field(raw: RawDocument, name: str) -> str:
    """The first non-empty metadata-table value among the labels for attribute ``name``."""
    return next((raw.fields[k] for k in meta_rules().field_names[name] if raw.fields.get(k)), "")


def other_fields(raw: RawDocument) -> dict[str, str]:
    """Table fields that have no DocumentMeta attribute (主题分类, 发布日期 …); dates as ISO."""
    mapped = {label for labels in meta_rules().field_names.values() for label in labels}
    return {k: parse_chinese_date(v) or v for k, v in raw.fields.items() if k not in mapped}


def find_title_line(lines: Sequence[str]) -> str:
    """The first title-like line before the body: short, no sentence punctuation, not numbered. A
    text that opens with a sentence (a cover letter after its recipients) prints no title line."""
    r = meta_rules()
    for line in lines[: r.title_search_lines]:
        if _is_body(line) or "。" in line:
            return ""
        if len(line) <= r.title_max_chars and not _SENTENCE_PUNCT.search(line) and not _is_furniture(line):
            return line
    return ""


def published_title(lines: Sequence[str]) -> str:
    """What a cover letter without a title line publishes by name in its first sentence (《X》…现印发
    给你们): the document's title."""
    first = next((line for line in lines[: meta_rules().title_search_lines] if "。" in line), "")
    found = meta_rules().published_title.search(first)
    return found.group(1) if found else ""


def own_title(notice: str, lines: Sequence[str]) -> str:
    """For a notice that publishes a document (关于印发《X》的通知), the line that is X's own title."""
    match = meta_rules().wrapper_title.search(notice)
    if not match:
        return notice
    wanted = _fold_key(match.group(1))
    return next((line for line in lines if _fold_key(line) == wanted), notice)


def find_issuer(front: Sequence[str], lines: Sequence[str], title: str) -> str:
    """发文机关: the letterhead organs of the 版头, else the signature above the date line, else the
    organ named before 关于 in the title."""
    organs = [_organ(line) for line in front if _is_organ_line(line)]
    if organs:
        return "、".join(dict.fromkeys(organs))
    signature = _signature(lines)
    if signature:
        return signature
    return title.split("关于", 1)[0] if "关于" in title[1:] else ""


def self_writer(meta: DocumentMeta) -> str:
    """Who writes the text a 我局 / 本部 of the document speaks for: the author of a forwarded text
    (…转发国家地震局关于…的通知), else the issuer."""
    notice = meta.extra.get("notice_title") or meta.title
    forwarded = meta_rules().forwarded_author.search(notice)
    return forwarded.group("author") if forwarded else meta.issuer


def find_doc_number(texts: Sequence[str]) -> str:
    for text in texts:
        match = meta_rules().doc_number.search(text)
        if match:
            return match.group()
    return ""


def find_date(lines: Sequence[str]) -> str:
    """成文日期: the first line that is only a date (the date under the signature), as ISO."""
    return next((parse_chinese_date(line) for line in lines if _DATE_LINE.match(line)), "")


def find_recipients(lines: Sequence[str], title_index: int) -> str:
    """主送: a line ending with a colon that lists organs, right after the title."""
    r = meta_rules()
    start = title_index + 1
    for line in lines[start : start + r.recipients_search_lines]:
        body = line.rstrip("：:")
        if body != line and "。" not in body and any(w in body for w in r.recipients_words):
            return body
    return ""


def find_public_status(texts: Sequence[str]) -> str:
    """附注 on publication: 此件公开发布, 此件主动公开, 信息公开选项：不予公开 …"""
    for text in texts:
        match = meta_rules().public_status.search(text)
        if match:
            return match.group(1)
    return ""


def printed_by(back: Sequence[str]) -> dict[str, str]:
    """From the 版记 line '山东省人民政府办公厅 ２０２３年１１月１３日印发': who printed it and when."""
    for line in back:
        match = _PRINTED_LINE.match(line.strip())
        if match:
            found = {"printed_by": match["org"].strip(), "printed_date": parse_chinese_date(match["date"])}
            return {k: v for k, v in found.items() if v}
    return {}


def _signature(lines: Sequence[str]) -> str:
    for i, line in enumerate(lines):
        if _DATE_LINE.match(line) and i > 0:
            above = lines[i - 1]
            seal = meta_rules().seal.match(above)
            if seal:
                return seal.group("organ")
            if not _SENTENCE_PUNCT.search(above) and len(above) <= layout_rules().front_max_chars:
                return above
            return ""
    return ""


def _is_organ_line(line: str) -> bool:
    name = squeeze(line)
    return (
        is_front_line(line)
        and name.endswith(layout_rules().org_suffixes)
        and not meta_rules().doc_number.search(name)
        and not _FRONT_ONLY.match(name)
    )


def _organ(line: str) -> str:
    name = squeeze(line)
    return name.removesuffix("文件") if name != "文件" else name


def _is_body(line: str) -> bool:
    """A line of the body proper: a numbered heading, or a long sentence."""
    return starts_heading(line) or (len(line) > meta_rules().title_max_chars and "。" in line)


def _is_furniture(line: str) -> bool:
    """Lines near the top that are not the title: 文号, dates, bracketed notes."""
    return bool(
        meta_rules().doc_number.search(line) or _DATE_LINE.match(line) or line.startswith(("（", "("))
    )


def _fold_key(s: str) -> str:
    return squeeze(fold(s)).strip("《》<>")
