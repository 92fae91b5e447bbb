"""Every attribution of every development-corpus document, with roles read from the documents.

Expected values were written by reading each file in ../shared/corpus (not from the parser's
output). Notation: "L:a,b|C:c|R:d|G:e" lists lead, cooperate, responsible and generic names of one
attribution, in printed order; a clause lists its attributions in order.
"""

from __future__ import annotations

import itertools
from functools import cache
from pathlib import Path

import pytest

from ingest.model import Attribution, ParsedDocument
from ingest.pipeline import parse_file

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

ANHUI = "anhui_2021_gongye_hulianwang_xingdong_jihua.txt"
GUOBANFA = "gov_guobanfa_2020_45_laonianren_zhineng_jishu_kunnan_shishi_fangan.txt"
GUOFA = "gov_guofa_2018_39_cujin_jiuye_ruogan_yijian.html"
JINAN21 = "jinan_2021_kechuang_jinan_ruogan_zhengce_cuoshi.txt"
JINAN22 = "jinan_2022_zhineng_wanglian_qiche_daolu_ceshi_banfa_PDFTEXT.txt"
QINGDAO = "qingdao_2024_rengong_zhineng_chanye_chuangxin_xingdong_jihua.txt"
SD2019 = "shandong_2019_shuzi_shandong_2019_xingdong_fangan.txt"
SD2020 = "shandong_2020_gongye_dashuju_fazhan_shishi_fangan.txt"
SD2023 = "shandong_2023_county_economy_plan_PDFTEXT.txt"

COUNTS = {
    ANHUI: 51,  # 49 brackets, and two sentences: "…由省经济和信息化厅负责解释" and an X会同Y
    GUOBANFA: 26,  # 25 brackets, and 建立国家发展改革委、国家卫生健康委牵头…的部际联席会议机制
    GUOFA: 17,  # 15 brackets, two sentences (人力资源社会保障部要统筹协调…)
    JINAN21: 29,
    JINAN22: 17,  # a 办法 in 第X条 style: duties written in sentences ("联席会议负责…")
    QINGDAO: 30,
    SD2019: 68,
    SD2020: 20,
    SD2023: 35,
}

# (document, clause heading) -> the clause's attributions
EXPECTED: dict[tuple[str, str], list[str]] = {
    (ANHUI, "支持工业互联网平台建设"): ["R:省经济和信息化厅,省财政厅", "R:省经济和信息化厅,省财政厅"],
    (ANHUI, "推进工业互联网外网建设"): ["R:省通信管理局,省铁塔公司|G:各基础电信企业,各市人民政府"],
    (ANHUI, "推进工业大数据能力建设"): ["R:省经济和信息化厅,省数据资源局,省通信管理局|G:相关市人民政府"],
    (ANHUI, "打造区域型平台"): ["R:省经济和信息化厅|G:各市人民政府"],
    (ANHUI, "深化“5G＋工业互联网”融合应用"): ["R:省推进工业互联网创新发展专项工作组"],
    (ANHUI, "加强工作组织协调"): ["G:省推进工业互联网创新发展专项工作组成员单位,各市人民政府"],
    (ANHUI, "广泛撬动社会资本参与"): [
        "R:省财政厅,省经济和信息化厅,省地方金融监管局,人行合肥中心支行,安徽银保监局,安徽证监局,省投资集团"
        "|G:各市人民政府"
    ],
    (GUOBANFA, "完善“健康码”管理，便利老年人通行"): [
        "L:国家卫生健康委,国务院办公厅,工业和信息化部|G:相关部门及各地区"
    ],
    (GUOBANFA, "保障居家老年人基本服务需要"): ["R:商务部,民政部,住房城乡建设部,国家卫生健康委|G:相关部门"],
    (GUOBANFA, "优化老年人打车出行服务"): ["R:交通运输部|G:各地区"],
    (GUOBANFA, "便利老年人乘坐公共交通"): [
        "R:交通运输部,人力资源社会保障部,人民银行,国家铁路局,中国民航局,中国国家铁路集团有限公司|G:各地区"
    ],
    (GUOBANFA, "提供多渠道挂号等就诊服务"): ["R:国家卫生健康委"],
    (GUOBANFA, "丰富老年人参加文体活动的智能化渠道"): ["R:文化和旅游部,体育总局|G:各地区"],
    (GUOBANFA, "设置必要的线下办事渠道"): ["G:相关部门及各地区"],
    (GUOBANFA, "完善法规规范"): ["L:司法部,人民银行,市场监管总局|G:相关部门及各地区"],
    (GUOFA, "加大稳岗支持力度"): ["L:人力资源社会保障部|C:财政部"],
    (GUOFA, "发挥政府性融资担保机构作用支持小微企业"): ["L:财政部|C:工业和信息化部,人民银行,银保监会"],
    (GUOFA, "支持创业载体建设"): [
        "L:人力资源社会保障部|C:科技部,财政部,住房城乡建设部,市场监管总局|G:各省级人民政府"
    ],
    (GUOFA, "扩大就业见习补贴范围"): ["L:人力资源社会保障部|G:有关部门和单位"],
    (GUOFA, "落实失业保险待遇"): ["L:人力资源社会保障部|C:医保局"],
    (GUOFA, "保障困难群众基本生活"): ["L:财政部|C:人力资源社会保障部,民政部|G:有关部门和单位"],
    (GUOFA, "落实地方政府主体责任"): ["G:各省级人民政府"],
    (GUOFA, "切实抓好政策服务"): ["G:各有关部门和单位,各省级人民政府"],
    (JINAN21, "高标准建设齐鲁科学城"): ["L:市科技局,市发展改革委|C:市工业和信息化局,市自然资源和规划局"],
    (JINAN21, "构建大科学装置群"): ["R:市科技局,市发展改革委"],
    (JINAN21, "引导全社会加大研发投入"): ["L:市科技局|C:市发展改革委,市工业和信息化局"],
    (JINAN21, "扶持技术标准创制和品牌建设"): ["L:市市场监管局|C:市科技局"],
    (JINAN21, "高标准建设人才管理改革试验区"): [
        "L:市委组织部|C:市人力资源社会保障局,市科技局,市科协,市税务局"
    ],
    (JINAN21, "强化金融服务支持"): [
        "L:市地方金融监管局,市科技局,人民银行济南分行营管部,人民银行莱芜市中心支行|C:莱芜银保监分局"
    ],
    (JINAN21, "积极发展大科学计划、大科学工程"): ["R:市科技局"],  # its text also holds a "（单位）"
    (JINAN21, "加强数据资源开放共享"): ["R:市大数据局"],
    (QINGDAO, "统筹布局智算中心"): [
        "R:市工业和信息化局,市大数据局,市发展改革委,市通信管理局,青岛海洋科技中心"
    ],
    (QINGDAO, "发展行业大模型"): ["R:市工业和信息化局,市大数据局,市科技局,市委网信办|G:相关行业主管部门"],
    (QINGDAO, "加快建设人工智能专业园区"): ["R:崂山区政府,市工业和信息化局"],
    (QINGDAO, "全面提升特色园区产业承载力"): ["R:市工业和信息化局|G:有关区、市政府"],
    (QINGDAO, "健全工作机制"): ["R:市工业和信息化局|G:专班成员单位,各区、市政府"],
    (QINGDAO, "强化政策支持"): [
        "R:市工业和信息化局,市发展改革委,市大数据局,市委金融办,市财政局|G:市相关行业主管部门"
    ],
    (QINGDAO, "营造浓厚氛围"): ["R:市委宣传部,市工业和信息化局,市科技局,市大数据局|G:各区、市政府"],
    (SD2019, "推动政务服务数字化转型"): [
        "L:省大数据局,省政府办公厅|G:各有关部门,各市政府",
        "L:省政府办公厅|C:省大数据局|G:各有关部门,各市政府",
        "L:省财政厅,省大数据局|G:各有关部门",
        "L:省大数据局|G:各有关部门,各市政府",
        "R:省大数据局,省政府办公厅,省公安厅|G:各有关部门,各市政府",
    ],
    (SD2019, "推动协同办公数字化转型"): [
        "L:省政府办公厅,省大数据局|G:各有关部门",
        "L:省大数据局|G:各有关部门,各市政府",
        "C:省大数据局|R:省委办公厅,省委组织部,省委编办,省政府办公厅",
    ],
    (SD2019, "推动宏观决策数字化转型"): [
        "L:省大数据局|G:各有关部门",
        "L:省发展改革委|C:省大数据局",
        "L:省财政厅|G:各有关部门",
        "L:省统计局|G:各有关部门",
    ],
    (SD2019, "发展智慧海洋产业"): ["R:省工业和信息化厅,省农业农村厅,省海洋局"],
    (SD2019, "推动城市管理智慧化"): [
        "L:省大数据局,省委网信办|C:省发展改革委,省住房城乡建设厅|G:有关部门,各市政府"
    ],
    (SD2019, "推动基层建设普惠化"): ["G:各市政府"],
    (SD2019, "提升安全保障能力"): [
        "R:省委网信办,省公安厅,省大数据局,省保密局,省密码管理局,省通信管理局|G:各部门,各市政府",
        "R:省委网信办,省大数据局|G:各部门,各市政府",
    ],
    (SD2019, "加大推进落实力度"): [
        "L:省委网信办,省大数据局|G:各部门",
        "L:省委网信办|C:省统计局",
        "L:省大数据局|G:各有关部门",
        "L:省财政厅|C:省大数据局",
        "L:省大数据局|C:省人力资源社会保障厅,省科协",
        "L:省大数据局|G:各有关部门",
    ],
    (SD2020, "完善网络基础设施"): ["R:省工业和信息化厅,省通信管理局"],
    (SD2020, "推动工业数据全面采集"): ["R:省工业和信息化厅"],
    (SD2020, "构建工业数据安全管理体系"): ["R:省委网信办,省通信管理局,省大数据局,省工业和信息化厅"],
    (SD2020, "健全工作机制"): ["G:省政府有关部门"],
    (SD2023, "实施薄弱县跨越计划"): ["L:省政府办公厅,省发展改革委,省财政厅|C:省教育厅,省国资委|G:有关部门"],
    (SD2023, "深化金融政策支持"): [
        "L:省地方金融监管局,省财政厅,省发展改革委"
        "|C:中国人民银行山东省分行,国家金融监督管理总局山东监管局,省工业和信息化厅,省科技厅,山东证监局"
    ],
}


@cache
def parsed(name: str) -> ParsedDocument:
    if not CORPUS.is_dir():
        pytest.skip(f"the development corpus is not here: {CORPUS}")
    return parse_file(CORPUS / name)


def notation(attribution: Attribution) -> str:
    parts = [
        ("L", [d.printed for d in attribution.lead]),
        ("C", [d.printed for d in attribution.cooperate]),
        ("R", [d.printed for d in attribution.responsible]),
        ("G", list(attribution.generic)),
    ]
    return "|".join(f"{key}:{','.join(names)}" for key, names in parts if names)


@pytest.mark.parametrize(("name", "count"), sorted(COUNTS.items()))
def test_attribution_count(name: str, count: int) -> None:
    assert sum(len(c.attributions) for c in parsed(name).clauses) == count


@pytest.mark.parametrize(("name", "heading"), sorted(EXPECTED))
def test_attributions(name: str, heading: str) -> None:
    (clause,) = [c for c in parsed(name).clauses if c.heading == heading]
    assert [notation(a) for a in clause.attributions] == EXPECTED[(name, heading)]


def test_every_attribution_names_someone() -> None:
    for name in COUNTS:
        for clause in parsed(name).clauses:
            for attribution in clause.attributions:
                assert attribution.lead or attribution.responsible or attribution.generic, attribution.raw


def test_cooperation_only_under_a_lead_or_responsible_units() -> None:
    for name in COUNTS:
        for clause in parsed(name).clauses:
            for attribution in clause.attributions:
                if attribution.cooperate:
                    assert attribution.lead or attribution.responsible, attribution.raw


def test_scopes_partition_multi_attribution_clauses() -> None:
    doc = parsed(SD2019)
    (clause,) = [c for c in doc.clauses if c.heading == "推动宏观决策数字化转型"]
    spans = [(a.scope_start, a.scope_end) for a in clause.attributions]
    assert spans[0][0] == clause.start
    assert all(prev[1] <= nxt[0] for prev, nxt in itertools.pairwise(spans))
    second = doc.clean.text[spans[1][0] : spans[1][1]]
    assert second.endswith("（省发展改革委牵头，省大数据局配合）")
    assert "（省大数据局牵头" not in second


def test_first_listed_convention_holds_for_the_whole_document() -> None:
    doc = parsed(GUOFA)
    brackets = [a for c in doc.clauses for a in c.attributions if a.carrier == "bracket"]
    assert len(brackets) == 15
    assert [a.raw for a in brackets if a.responsible] == []


def test_article_style_structure() -> None:
    doc = parsed(JINAN22)
    roots = [c for c in doc.clauses if c.parent is None]
    assert [c.number for c in roots][:2] == ["第一章", "第二章"]
    assert [c.path for c in roots][8:] == ["附件1", "附件2", "附件3", "附件4"]
    articles = [c for c in doc.clauses if c.level == 0]
    assert len(articles) == 42
    assert articles[-1].number == "第四十二条"
    # the list of attachments after the last article is no part of it; each attachment is its own part
    assert "附件：" not in articles[-1].text
    appendix = {c.path: c for c in doc.clauses}
    assert appendix["附件2"].heading == "智能网联汽车测试主体申请材料"
    assert appendix["附件2 （十四）"].text == "（十四）联席会议要求的其他材料。"
