"""Unit names by shape (an open vocabulary), collective phrases, and names a document defines."""

from __future__ import annotations

import pytest

from ingest.departments import canonical, is_known
from ingest.units import (
    defined_names,
    is_clearly_named,
    is_generic,
    looks_like_unit,
    split_units,
    stands_for,
)


@pytest.mark.parametrize(
    "name",
    [
        "济南海关",
        "交通运输部综合规划司",
        "科技司",
        "市工业和信息化局大数据产业处",
        "省推进工业互联网创新发展专项工作组",
        "市人工智能产业发展工作专班",
        "数字政府建设工作领导小组办公室",
        "青岛海洋科技中心",
        "中国信息通信研究院",
        "山东大学",
        "中国国家铁路集团有限公司",
        "市财政投资基金控股集团",
        "人民银行济南分行营管部",
        "省科协",
        "国务院教育行政部门",
        "国务院法制机构",
        "省发展改革委（省能源局）",
        "省军区",
        "市第一中学",
        "办公室",
        # national bodies of endings beyond the ministries' (团中央, 总台, 总社, 作协), an enterprise by
        # its brand, and a ministry ending like a word that is no unit (国家安全部 / 全部)
        "国家安全部",
        "中国移动",
        "共青团中央",
        "中国作协",
        "中央广播电视总台",
        "供销合作总社",
        # areas, named without their 管委会 in district task lists, and 经开区 despite its opening 经
        "立山经济开发区",
        "某某街道",
        "经开区管委会",
    ],
)
def test_units_of_every_shape(name: str) -> None:
    assert looks_like_unit(name) and not is_generic(name)


@pytest.mark.parametrize(
    "word",
    [
        "干部",
        "领导干部",
        "部署",
        "战略部署",
        "一网通办",
        "社会",
        "新格局",
        "团队",
        "网站",
        "中心",
        "实验室",
        "全部",
        "总台",
        "部门分工：省发展改革委",  # a label and a name
        "试验区所属省政府",  # one body related to another
    ],
)
def test_words_that_end_like_units_are_not(word: str) -> None:
    assert not looks_like_unit(word)


@pytest.mark.parametrize(
    "phrase",
    [
        "省有关部门",
        "各市政府",
        "相关部门及各地区",
        "行业主管部门",
        "基础电信企业",
        "县级以上地方人民政府",
        "省级人民政府",
        "各区、市政府",
        "专班成员单位",
        "国务院部门",
        "中央机构",
    ],
)
def test_collective_phrases(phrase: str) -> None:
    assert is_generic(phrase)


def test_unknown_units_keep_their_printed_name_and_are_marked() -> None:
    assert (canonical("济南海关"), is_known("济南海关")) == ("济南海关", False)
    assert (canonical("省发改委"), is_known("省发改委")) == ("省发展改革委", True)
    assert (canonical("市工信局"), is_known("市工信局")) == ("市工业和信息化局", True)
    assert canonical("青岛市工信局") == "青岛市工业和信息化局"
    assert not is_known("本细则由市工业和信息化局")  # a city prefix must be a place


def test_clearly_named_subjects_open_with_a_level_or_place() -> None:
    assert is_clearly_named("省大数据局") and is_clearly_named("济南海关") and is_clearly_named("国家林业局")
    assert not is_clearly_named("推动工业大数据中心")  # a verb and its object
    assert not is_clearly_named("工程指导协调小组")


def test_split_lists_keep_names_whole() -> None:
    assert split_units("应急部、公安部、国家卫生健康委等相关部门及各地区") == [
        "应急部",
        "公安部",
        "国家卫生健康委",
        "相关部门及各地区",
    ]
    assert split_units("智慧林业建设领导小组及其办公室") == ["智慧林业建设领导小组及其办公室"]
    # 等部门 sums up the names before it
    assert split_units("区财政局、区交运局等部门，区国投公司") == ["区财政局", "区交运局", "区国投公司"]
    assert split_units("区财政局等单位和各街道") == ["区财政局", "各街道"]
    # a slash separates the names of a list typed into a cell
    assert split_units("市发展改革委/市财政局／济南海关") == ["市发展改革委", "市财政局", "济南海关"]


def test_names_the_document_defines() -> None:
    text = (
        "第三条 专业技术人才知识更新工程指导协调小组(以下简称工程指导协调小组)负责制定政策。"
        "成立济南市智能网联汽车道路测试与示范应用联席会议（以下简称“联席会议”）。"
        "委托专业机构承担组织协调工作（以下简称“专业机构”）。"
    )
    defined = defined_names(text)
    # the note says a unit is named, even one whose name opens with no level or place
    assert defined["工程指导协调小组"] == "专业技术人才知识更新工程指导协调小组"
    assert defined["联席会议"] == "济南市智能网联汽车道路测试与示范应用联席会议"
    assert defined["联席会议办公室"] == "济南市智能网联汽车道路测试与示范应用联席会议办公室"
    assert "专业机构" not in defined  # a collective name, not a unit


@pytest.mark.parametrize(
    ("writer", "short", "unit"),
    [
        ("国家地震局", "我局", "国家地震局"),
        ("国家粮食局办公室", "我局", "国家粮食局"),  # the office writes for its bureau
        ("教育部办公厅", "我部", "教育部"),
        ("交通运输部", "部", "交通运输部"),
        ("国家发展改革委、国家能源局", "我局", "国家能源局"),  # the organ of a joint text it fits
        ("国务院办公厅", "我办", ""),  # 办 opens 办公厅: no unit ends in it
        ("国务院办公厅", "我局", ""),
    ],
)
def test_what_a_self_reference_stands_for(writer: str, short: str, unit: str) -> None:
    assert stands_for(writer, short) == unit
