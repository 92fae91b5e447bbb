"""Quantitative targets: metric, printed value, number, unit, qualifier, time frame."""

from __future__ import annotations

from ingest.model import Target
from ingest.targets import find_targets, quantity_text


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
        ("技改项目", 1.0, "万个", "左右", "年均"),
        ("排放", 5.0, "%", "以内", ""),
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


def test_a_deadline_reaches_the_goal_lines_after_it() -> None:
    text = "到2026年，产业总体水平处于全国前列。\n——创新能力。打造3个开放创新平台。\n——2024年已建成平台2个。"
    assert [(t[0], t[5], t[6]) for t in targets(text)] == [
        ("产业总体水平处于全国前列", "到2026年", 2026),
        ("开放创新平台", "到2026年", 2026),
        ("平台", "2024年", 2024),
    ]
    # a bare year dates an event: it does not carry to the sentences after it
    assert targets("2023年，全省举办会议。培育企业5家。")[0][5:] == ("", None)


def test_a_deadline_dates_a_goal_without_a_number() -> None:
    text = "到2022年底前，全省工业数据集实现泽（Z）级突破（省大数据局负责）。到2023年，建成平台5个。"
    (goal, counted) = find_targets(text, 0, len(text))
    assert (goal.metric, goal.value, goal.timeframe, goal.year) == (
        "全省工业数据集实现泽（Z）级突破",
        "",
        "到2022年底前",
        2022,
    )
    assert text[goal.start : goal.end] == goal.metric
    assert (counted.metric, counted.year) == ("平台", 2023)
    # where things stand, and the end of a period of validity, are no goals
    assert find_targets("截至2020年底，全省建成基站。", 0, 14) == ()
    assert targets("2019年1月1日至2020年12月31日，给予培训补贴。") == []


def test_magnitudes_before_a_unit_or_alone() -> None:
    assert targets("每年培训1万名专业技术人才。实现标识注册总量突破5亿。") == [
        ("专业技术人才", "1", 1.0, "万名", "", "每年", None),
        ("标识注册总量", "5", 5.0, "亿", "突破", "", None),
    ]


def test_time_limits_of_a_procedure_are_no_targets() -> None:
    assert targets("联席会议应在10个工作日内完成材料初审。认定后5个工作日内报送报告。") == []
    assert targets("培育企业5家，每家补助3个月。")[0][0] == "企业"


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


def test_parallel_targets_with_attributive_amounts() -> None:
    text = "到２０２５年，地区生产总值１０００亿元以上的县（市、区）达到３０个、７００亿元以上的达到５０个。"
    assert targets(text) == [
        ("地区生产总值１０００亿元以上的县（市、区）", "３０", 30.0, "个", "达到", "到2025年", 2025),
        ("地区生产总值７００亿元以上的县（市、区）", "５０", 50.0, "个", "达到", "到2025年", 2025),
    ]


def test_elided_head_with_its_own_modifier_words() -> None:
    text = "到2025年，营业收入100亿元以上的企业达到20家、税收10亿元以上的达到5家。"
    assert [t[0] for t in targets(text)] == ["营业收入100亿元以上的企业", "税收10亿元以上的企业"]


def test_amount_modifying_a_counted_noun_is_part_of_the_metric() -> None:
    text = "年均滚动实施投资５００万元以上技改项目１万个左右。培育一批产值过５０亿元的特色专业园区。"
    assert targets(text) == [("投资５００万元以上技改项目", "１", 1.0, "万个", "左右", "年均", None)]


def test_descriptive_counts_are_not_targets() -> None:
    text = "发挥胶州、龙口、荣成、邹城、寿光５个“千亿”县（市）带动作用，支持一批县（市）加速实现千亿突破。"
    assert targets(text) == []
    assert targets("以１３６个县（市、区）为主体，省级统筹。全市共有企业120家。") == []


def test_support_amounts_are_commitments() -> None:
    assert [t[:5] for t in targets("对认定的省级平台，给予最高500万元奖励。")] == [
        ("奖励", "500", 500.0, "万元", "最高")
    ]
    assert [t[:4] for t in targets("按设备投资额的10%给予补助。")] == [("补助", "10", 10.0, "%")]
    assert [t[:4] for t in targets("给予1000万元的奖励。")] == [("奖励", "1000", 1000.0, "万元")]


def test_a_goal_verb_covers_its_list() -> None:
    assert [t[:4] for t in targets("培育省级产业集群50个、国家级集群5个。")] == [
        ("省级产业集群", "50", 50.0, "个"),
        ("国家级集群", "5", 5.0, "个"),
    ]


def test_brackets_do_not_break_a_metric() -> None:
    assert targets("到2025年，创新型县（市、区）达到10个。")[0][0] == "创新型县（市、区）"
    assert targets("培育新增３个以上国家创新型县（市、区），打造一批乡镇。")[0][0] == "国家创新型县（市、区）"


def test_an_attribution_bracket_ends_a_metric() -> None:
    text = "年底前，各级100个高频事项实现“最多跑一次”（省政府办公厅牵头，省大数据局配合）。"
    assert targets(text)[0][0] == "高频事项实现“最多跑一次”"


def test_metric_is_the_counted_noun() -> None:
    assert targets("打造２００家左右产业生态主导型链主企业，开发一批平台。") == [
        ("产业生态主导型链主企业", "２００", 200.0, "家", "左右", "", None)
    ]
    assert targets("深化数字赋能，规模以上工业企业关键业务环节全面数字化率超过７０％。") == [
        ("规模以上工业企业关键业务环节全面数字化率", "７０", 70.0, "％", "超过", "", None)
    ]
    assert targets("技改投资年均增长６％以上，占工业投资比重稳定在５０％以上。") == [
        ("技改投资增长", "６", 6.0, "％", "以上", "年均", None),
        ("占工业投资比重", "５０", 50.0, "％", "以上", "", None),
    ]


def test_proportion_with_de_counts_the_noun() -> None:
    text = "到２０２５年，推动６０％的县域达到新型智慧城市四星级以上标准。"
    assert targets(text) == [("县域达到新型智慧城市四星级以上标准", "６０", 60.0, "％", "", "到2025年", 2025)]


def test_modifier_before_a_list_comma_stays_in_the_counted_noun() -> None:
    (_, found) = targets("９０％以上县域形成１－２个产值百亿元以上、具有较强竞争优势的产业集群。")
    assert found[0] == "产值百亿元以上、具有较强竞争优势的产业集群"


def _target(value: str, unit: str, qualifier: str) -> Target:
    return Target("指标", value, None, unit, qualifier, "", None, 0, 0)


def test_quantity_text_puts_the_qualifier_where_it_is_read() -> None:
    assert quantity_text(_target("１２０", "家", "达")) == "达１２０家"
    assert quantity_text(_target("７０", "％", "超过")) == "超过７０％"
    assert quantity_text(_target("５０", "个", "左右")) == "５０个左右"
    assert quantity_text(_target("６", "％", "以上")) == "６％以上"
    assert quantity_text(_target("１０", "个", "")) == "１０个"


def test_base_years_chinese_numeral_years_and_rates_in_a_period() -> None:
    assert targets("到2030年，森林覆盖率比2020年提高5个百分点。") == [
        ("森林覆盖率提高", "5", 5.0, "个百分点", "", "到2030年", 2030)
    ]
    assert targets("到二〇二五年，建成省级以上创新平台300个。") == [
        ("省级以上创新平台", "300", 300.0, "个", "", "到2025年", 2025)
    ]
    assert targets("2025年底前完成老旧小区改造10万户。") == [
        ("老旧小区改造", "10", 10.0, "万户", "", "2025年底前", 2025)
    ]
    # a rate keeps its own words and takes the year of the period it stands in
    assert targets("“十四五”期间，数字经济核心产业增加值年均增长10%。") == [
        ("数字经济核心产业增加值增长", "10", 10.0, "%", "", "年均", 2025)
    ]


def test_a_deadline_with_before_dates_the_goal_it_closes() -> None:
    text = (
        "国网济南供电公司负责配套电网建设，2024年底前完成。2024年6月底前完成摸底调查。"
        "2023年，全省完成了试点。"
    )
    assert [(t.metric, t.timeframe, t.year) for t in find_targets(text, 0, len(text))] == [
        ("国网济南供电公司负责配套电网建设", "2024年底前", 2024),
        ("完成摸底调查", "2024年6月底前", 2024),
    ]
