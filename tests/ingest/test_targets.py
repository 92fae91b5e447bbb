"""Quantitative targets: metric, printed value, number, unit, qualifier, time frame."""

from __future__ import annotations

from ingest.targets import find_targets


def targets(text: str) -> list[tuple[str, str, float | None, str, str, str, int | None]]:
    return [
        (t.metric, t.value, t.number, t.unit, t.qualifier, t.timeframe, t.year)
        for t in find_targets(text, 0, len(text))
    ]


def test_plan_sentence_with_full_width_digits() -> None:
    text = "实施百企升级引领工程，到２０２５年，省级现代服务业集聚区达１２０家、服务业创新中心达２００家。"
    assert targets(text) == [
        ("省级现代服务业集聚区", "１２０", 120.0, "家", "达", "到2025年", 2025),
        ("服务业创新中心", "２００", 200.0, "家", "达", "到2025年", 2025),
    ]


def test_offsets_cover_the_printed_target() -> None:
    text = "到２０２５年，农民合作社省级以上示范社达到４０００家。"
    (target,) = find_targets(text, 0, len(text))
    assert text[target.start : target.end] == "达到４０００家"


def test_qualifiers_after_the_number() -> None:
    text = "技改投资年均增长６％以上，年均滚动实施技改项目１万个左右。排放控制在5%以内。"
    found = targets(text)
    assert [(t[0], t[2], t[3], t[4], t[5]) for t in found] == [
        ("技改投资增长", 6.0, "％", "以上", "年均"),
        ("滚动实施技改项目", 1.0, "万个", "左右", "年均"),
        ("排放控制在", 5.0, "%", "以内", ""),
    ]


def test_number_before_the_counted_thing() -> None:
    text = "每年针对县域组织１００场次以上科技服务活动。创建不少于３０个省级质量强县。"
    found = targets(text)
    assert [(t[0], t[2], t[4], t[5]) for t in found] == [
        ("科技服务活动", 100.0, "以上", "每年"),
        ("省级质量强县", 30.0, "不少于", ""),
    ]


def test_time_frames() -> None:
    assert targets("２０２３－２０２４年，认定特色强县２０个。")[0][5:] == ("2023-2024年", 2024)
    assert targets("到“十四五”末，建成平台50个。")[0][5:] == ("到“十四五”末", 2025)
    assert targets("2019年1月1日至12月31日，返还标准可按6个月的当地月人均失业保险金确定。")[0][1:4] == (
        "6",
        6.0,
        "个月",
    )


def test_ranges_keep_the_printed_value() -> None:
    (found,) = targets("９０％以上县域形成１－２个产值百亿元以上的产业集群。")[1:]
    assert found[1:4] == ("１－２", 1.0, "个")


def test_dates_years_and_numbering_are_not_targets() -> None:
    assert targets("１．培育优势产业集群。２０２３年１１月１１日，第3批，5G网络，3A级企业。") == []
    assert targets("（1）加强统筹。2023－2025年。") == []


def test_range_limited_to_the_span() -> None:
    text = "甲达10家。乙达20家。"
    assert [t.number for t in find_targets(text, 0, 6)] == [10.0]


def test_metric_of_a_bare_amount_is_the_previous_phrase() -> None:
    (found,) = targets("对行业型平台省级给予奖补，最高1000万元。")
    assert found[0] == "对行业型平台省级给予奖补"
    assert (found[2], found[3], found[4]) == (1000.0, "万元", "最高")


def test_references_are_not_targets() -> None:
    assert targets("检测项目包括附件1所列的项目，回传下列第1至4项信息。") == []
