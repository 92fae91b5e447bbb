"""The clause tree: levels, paths, headings, offsets, and what is not a heading."""

from __future__ import annotations

from ingest.segment import segment

PLAN = """关于印发某某行动方案的通知
各市人民政府：
现印发给你们，请认真贯彻落实。
某某行动方案
为推动发展，制定本方案。
一、主要目标
到2025年，形成1－2个产值百亿元以上的产业集群。
二、重点任务
（一）实施经济强县领跑计划。发挥带动作用。（省发展改革委牵头）
（二）实施特色强县示范计划。2023－2024年，认定一批特色强县。
三、重要举措
（一）实施产业升级工程。
１．培育优势产业集群。力争到２０２５年，培育集群５０个左右。
２．推动传统产业技改升级。技改投资年均增长６％以上（含（1）项目）。
四、组织保障
加强组织领导。
山东省人民政府
2023年11月11日
"""


def test_tree_structure() -> None:
    clauses = segment(PLAN)
    assert [c.path for c in clauses] == [
        "一、",
        "二、",
        "二、（一）",
        "二、（二）",
        "三、",
        "三、（一）",
        "三、（一）１．",
        "三、（一）２．",
        "四、",
    ]
    assert [c.level for c in clauses] == [10, 10, 20, 20, 10, 20, 30, 30, 10]
    assert [c.parent for c in clauses] == [None, None, 1, 1, None, 4, 5, 5, None]
    assert all(c.index == i for i, c in enumerate(clauses))


def test_preamble_and_wrapper_are_not_clauses() -> None:
    clauses = segment(PLAN)
    assert clauses[0].start == PLAN.index("一、主要目标")
    assert not any("通知" in c.heading for c in clauses)


def test_headings_text_and_offsets() -> None:
    clauses = segment(PLAN)
    by_heading = {c.heading: c for c in clauses}
    assert "实施经济强县领跑计划" in by_heading
    assert "培育优势产业集群" in by_heading
    assert by_heading["主要目标"].text.startswith("一、主要目标\n到2025年")
    for clause in clauses:
        assert PLAN[clause.start : clause.end] == clause.text
        assert clause.text == clause.text.rstrip()


def test_number_inside_sentence_is_not_a_heading() -> None:
    clauses = segment(PLAN)
    assert all("1－2" not in c.number for c in clauses)
    assert "形成1－2个" in clauses[0].text
    assert not any(c.number.startswith("（1）") for c in clauses)


def test_skipped_level_and_signature() -> None:
    clauses = segment(PLAN)
    last = clauses[-1]
    assert last.path == "四、"
    assert "山东省人民政府" not in last.text and "2023年11月11日" not in last.text


def test_skipped_level_parent() -> None:
    text = "一、总体要求\n1．加强统筹。内容。\n2．强化保障。内容。\n二、重点任务\n（一）第一项。\n"
    clauses = segment(text)
    assert [(c.path, c.parent) for c in clauses] == [
        ("一、", None),
        ("一、1．", 0),
        ("一、2．", 0),
        ("二、", None),
        ("二、（一）", 3),
    ]


def test_numbering_continues_across_groups() -> None:
    text = "（一）甲组。\n1．甲。\n2．乙。\n（二）乙组。\n3．丙。\n4．丁。\n"
    paths = [c.path for c in segment(text)]
    assert paths == ["（一）", "（一）1．", "（一）2．", "（二）", "（二）3．", "（二）4．"]


def test_broken_reference_line_is_rejected_by_sequence() -> None:
    text = "第一条  总则内容。\n（一）第一项；\n（二）第二项，依第\n（七）项规定办理；\n（三）第三项。\n"
    clauses = segment(text)
    assert [c.number for c in clauses] == ["第一条", "（一）", "（二）", "（三）"]
    assert "（七）项规定" in clauses[2].text


def test_articles_and_chapters() -> None:
    text = (
        "第一章  总 则\n第一条  为规范管理，制定本办法。\n第二条  本办法适用于本市。\n"
        "第二章  附 则\n第三条  本办法自发布之日起施行。\n"
    )
    clauses = segment(text)
    assert [c.path for c in clauses] == ["第一章", "第一章第一条", "第一章第二条", "第二章", "第二章第三条"]
    assert clauses[1].heading == "为规范管理，制定本办法"
    assert clauses[0].heading == "总 则"


def test_attachments_are_parts_of_the_tree_under_their_label() -> None:
    text = (
        "第一条  施行。\n第二条  废止。\n附件：1.申请书\n2.声明\n"
        "附件1\n申请书\n（一）申请书内容；\n附件 2\n（一）声明。\n"
    )
    clauses = segment(text)
    assert [c.path for c in clauses] == ["第一条", "第二条", "附件1", "附件1 （一）", "附件2", "附件2 （一）"]
    assert clauses[1].text == "第二条  废止。"  # the list of attachments is no part of the last article
    assert [(c.heading, c.level, c.parent) for c in clauses[2:4]] == [
        ("申请书", -90, None),
        ("申请书内容", 20, 2),
    ]
    assert clauses[4].text == "附件 2"


def test_attachment_with_its_title_on_the_label_line() -> None:
    text = "一、任务\n（一）推进。\n附件：重点任务分工表\n一、总体\n1．甲。\n"
    assert [(c.path, c.heading) for c in segment(text)] == [
        ("一、", "任务"),
        ("一、（一）", "推进"),
        ("附件", "重点任务分工表"),
        ("附件 一、", "总体"),
        ("附件 一、1．", "甲"),
    ]


def test_a_forwarded_document_after_a_bare_label_is_an_appendix() -> None:
    # an unnumbered cover letter lists its attachment, then forwards it under a bare 附件 label
    text = (
        "各有关单位：\n现将通知转发给你们，请按要求申报。\n附件：关于开展申报的通知\n某市工业和信息化局\n"
        "2019年4月17日\n附件\n关于开展申报的通知\n一、支持方向\n（一）领军企业。\n二、申报流程\n"
    )
    assert [(c.path, c.heading) for c in segment(text)] == [
        ("附件", "关于开展申报的通知"),
        ("附件 一、", "支持方向"),
        ("附件 一、（一）", "领军企业"),
        ("附件 二、", "申报流程"),
    ]


def test_a_label_with_an_empty_title_is_bare_unless_a_list_of_appendices_follows() -> None:
    text = "同意组建委员会。\n附件：委员会组建方案\n国务院\n附件：\n委员会组建方案\n一、主要职能\n二、组成\n"
    assert [c.path for c in segment(text)] == ["附件", "附件 一、", "附件 二、"]
    listing = "一、任务\n（一）推进。\n附件：\n1.申请书\n2.声明\n"
    assert [c.path for c in segment(listing)] == ["一、", "一、（一）"]


def test_pua_glyph_after_number() -> None:
    text = "一、任务\n1．\ue5e5建设新型基础设施。深化行动。\n"
    clauses = segment(text)
    assert clauses[1].heading == "建设新型基础设施"
    assert clauses[1].number == "1．"


def test_a_text_without_numbers_is_one_clause_up_to_its_signature() -> None:
    (clause,) = segment("关于提案的答复\n只有一段文字，没有编号。\n国务院办公厅\n2023年5月6日\n")
    assert (clause.path, clause.number, clause.text) == ("", "", "只有一段文字，没有编号。")
    assert segment("\n\n") == ()


def test_decimal_numbering_keeps_the_number_as_its_path() -> None:
    text = (
        "第二章 组织体系\n2.1 指挥机构\n2.1.1 指挥部职责\n（1）统一领导。\n2.1.2 办公室职责\n2.2 成员单位\n"
    )
    clauses = segment(text)
    assert [c.path for c in clauses] == [
        "第二章",
        "第二章2.1",
        "第二章2.1.1",
        "第二章2.1.1（1）",
        "第二章2.1.2",
        "第二章2.2",
    ]
    assert [c.parent for c in clauses] == [None, 0, 1, 2, 1, 0]


def test_numbered_item_lists_nest_below_the_heading_before_them() -> None:
    text = "方案\n一、重点任务\n第1项 推进甲。\n第2项 推进乙。\n二、保障措施\n（一）加强领导。\n"
    assert [c.path for c in segment(text)] == ["一、", "一、第1项", "一、第2项", "二、", "二、（一）"]
    assert [c.path for c in segment("方案\n第一项 推进甲。\n第二项 推进乙。\n")] == ["第一项", "第二项"]
