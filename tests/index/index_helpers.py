"""Small hand-made documents for index tests: exact values, no parsing involved.

A module with a unique name (not conftest) so other test folders' conftest files cannot shadow it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from char_embedder import CharEmbedder as HashEmbedder  # noqa: F401  (index tests' historical name)

from ingest.model import (
    Attribution,
    Clause,
    CleanDocument,
    Department,
    DocumentMeta,
    ParsedDocument,
    Target,
)

FGW = Department("省发改委", "省发展改革委")
GXT = Department("省工业和信息化厅", "省工业和信息化厅")
CZT = Department("省财政厅", "省财政厅")

CLAUSE_TEXTS = (
    ("一、", "主要目标", "一、主要目标"),
    (
        "（一）",
        "培育优势产业集群",
        "（一）培育优势产业集群。实施“雁阵形”产业集群培育工程，推动企业集聚发展。",
    ),
    (
        "（二）",
        "推动传统产业技改升级",
        "（二）推动传统产业技改升级。深化“工赋山东”行动，推进万项技改、万企转型。",
    ),
    (
        "（三）",
        "建设新型基础设施",
        "（三）建设新型基础设施。加快５Ｇ和千兆光网建设，到2025年新建5G基站2万个以上。",
    ),
)


def make_clauses(texts: Sequence[tuple[str, str, str]] = CLAUSE_TEXTS) -> tuple[Clause, ...]:
    clauses = []
    offset = 0
    for index, (number, heading, text) in enumerate(texts):
        start, end = offset, offset + len(text)
        offset = end + 1
        attributions: tuple[Attribution, ...] = ()
        targets: tuple[Target, ...] = ()
        if index == 1:
            attributions = (
                Attribution(
                    "省发改委、省工业和信息化厅牵头，省财政厅配合",
                    end - 5,
                    end,
                    start,
                    end - 5,
                    lead=(FGW, GXT),
                    cooperate=(CZT,),
                    generic=("各市政府", "省有关部门"),
                ),
            )
        if index == 2:
            attributions = (
                Attribution("省工业和信息化厅负责", end - 3, end, start, end - 3, responsible=(GXT,)),
                Attribution("省财政厅牵头", end - 2, end, start + 1, end - 2, lead=(CZT,)),
            )
        if index == 3:
            targets = (Target("新建5G基站", "2", 2.0, "万个", "以上", "到2025年", 2025, start + 20, end - 1),)
        parent = None if index == 0 else 0
        clauses.append(
            Clause(
                index,
                ("" if index == 0 else "一、") + number,
                number,
                1 if index == 0 else 2,
                heading,
                text,
                start,
                end,
                parent,
                1,
                2 if index == 3 else 1,
                attributions,
                targets,
            )
        )
    return tuple(clauses)


def make_document(
    doc_id: str = "plan",
    clauses: Sequence[Clause] | None = None,
    version: str = "v1",
    title: str = "县域经济高质量发展三年行动方案",
) -> ParsedDocument:
    clauses = tuple(clauses) if clauses is not None else make_clauses()
    text = "\n".join(c.text for c in clauses)
    return ParsedDocument(
        doc_id=doc_id,
        source=f"{doc_id}.pdf",
        format="pdf",
        content_hash=hashlib.sha256(f"{doc_id}/{version}/{text}".encode()).hexdigest(),
        meta=DocumentMeta(
            title=title,
            issuer="山东省人民政府",
            doc_number="鲁政发〔2023〕16号",
            date="2023-11-11",
            extra={"主题分类": "经济"},
        ),
        clean=CleanDocument(
            text=text,
            page_starts=(0, 40),
            page_numbers=(1, 2),
            front_matter=("山东省人民政府文件",),
            back_matter=("抄送：省委",),
        ),
        clauses=clauses,
    )
