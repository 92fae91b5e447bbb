"""Item numbers at the start of a line, in every style and width the corpus shows."""

from __future__ import annotations

import pytest

from ingest.numbering import chinese_numeral, fold_width, match_number


@pytest.mark.parametrize(
    ("line", "name", "value"),
    [
        ("一、主要目标", "chinese", 1),
        ("十二、保障措施", "chinese", 12),
        ("（一）实施经济强县领跑计划。", "paren_chinese", 1),
        ("(二十九)加强数据资源开放共享。", "paren_chinese", 29),
        ("６．建设新型基础设施。", "arabic", 6),
        ("6.建设新型基础设施。", "arabic", 6),
        ("１、建设", "arabic", 1),
        ("13﹒开展工业互联网新模式推广。", "arabic", 13),
        ("１¤培育优势产业集群.", "arabic", 1),
        ("（1）加强统筹。", "paren_arabic", 1),
        ("(３)加强统筹。", "paren_arabic", 3),
        ("②推进试点。", "circled", 2),
        ("第一章  总 则", "chapter", 1),
        ("第十三条　道路测试主体申请", "article", 13),
        ("　　1．完善“健康码”管理", "arabic", 1),
        ("1\ue010加快数字政府建设", "arabic", 1),  # a PDF font's glyph in place of the dot
        ("2）推进试点。", "half_paren_arabic", 2),
        ("3)推进试点。", "half_paren_arabic", 3),
        ("一．总体要求", "chinese", 1),
        ("第三项　审核", "numbered_item", 3),
        ("第十条\u2002对通过审核的申报主体", "article", 10),  # an en space after the number
        ("第一条工业和信息化部大力推动应用软件发展", "article", 1),  # no space at all
        ("一、项目说明", "chinese", 1),  # 项 opens a word here, not a cross-reference
        ("（一）项目申请接收", "paren_chinese", 1),
    ],
)
def test_styles(line: str, name: str, value: int) -> None:
    number = match_number(line)
    assert number is not None
    assert (number.level.name, number.value) == (name, value)


@pytest.mark.parametrize("invisible", ["\ue5e5", "\u200b", "\ufeff", "\u200d"])
def test_invisible_character_after_number(invisible: str) -> None:
    line = f"3．{invisible}推进产业链融链固链。"
    number = match_number(line)
    assert number is not None and number.value == 3
    assert line[number.body :].startswith("推进")
    assert line[number.start : number.end] == "3．"


@pytest.mark.parametrize(
    "line",
    [
        "2023年，全省",  # a year
        "1.5倍以上",  # a decimal
        "（十二）项规定提供相关材料",  # a cross-reference broken onto a new line
        "（三）款所列情形",
        "一、二、三产业融通发展",  # an enumeration, not a heading
        "（２０２３－２０２５年）",  # a bracketed period
        "第十四条规定的材料",  # an article reference without the heading space
        "第五条所称企业",
        "第二条第一款",
        "一、",  # a number with no words
        "形成1－2个产值百亿元以上",  # not at the start
    ],
)
def test_not_numbers(line: str) -> None:
    assert match_number(line) is None


def test_chinese_numerals() -> None:
    assert [chinese_numeral(t) for t in ("一", "十", "十二", "二十", "二十九", "一百零五")] == [
        1,
        10,
        12,
        20,
        29,
        105,
    ]
    assert chinese_numeral("") is None
    assert chinese_numeral("第一") is None


def test_fold_width_keeps_length() -> None:
    text = "（一）１２０家，９６％．"
    folded = fold_width(text)
    assert folded == "(一)120家,96%."
    assert len(folded) == len(text)
