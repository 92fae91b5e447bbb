"""Layout clean-up rules (ingest/clean.py, ingest/text.py) and spot checks on the real corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.clean import clean_document, strip_page_number
from ingest.model import Page, RawDocument
from ingest.readers import read_file
from ingest.text import fold, normalize_punctuation, parse_chinese_date

REPO = Path(__file__).resolve().parents[2]
PLAN = REPO / "corpus" / "shandong_2023_county_economy_plan_PDFTEXT.txt"
SHARED = REPO.parent / "shared" / "corpus"


def txt(text: str) -> RawDocument:
    return RawDocument(source="t.txt", format="txt", pages=(Page(None, text),))


def shared(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip("the shared corpus (../shared/corpus) is not available")
    return path


# --- text.py ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "shown"),
    [
        ("各市人民政府,各县 (市、区)人民政府:", "各市人民政府，各县（市、区）人民政府："),
        ("实施财政激励政策. (省财政厅牵头)", "实施财政激励政策。（省财政厅牵头）"),
        ("增长1.5%,达到５.２％.", "增长1.5%，达到５.２％。"),
        ("下放镇 (街).(省委编办牵头)", "下放镇（街）。（省委编办牵头）"),
        ("计划.２０２３－２０２４年", "计划。２０２３－２０２４年"),
        ("«山东省方案» 跑出 “加速度”.对", "《山东省方案》跑出“加速度”。对"),
        ("开发 (EOD)模式", "开发（EOD）模式"),
        ("是否可行?确定!", "是否可行？确定！"),
        ("１¤培育优势产业集群", "１．培育优势产业集群"),
        ("1,000 个 https://www.gov.cn/a.htm", "1,000 个 https://www.gov.cn/a.htm"),
        ("第一章  总 则", "第一章  总 则"),
        # a run of spaces after 。 is a column gap of a row laid out with spaces: it stays
        ("新增机架2000个。   市大数据局", "新增机架2000个。   市大数据局"),
        ("新增机架2000个。 (省财政厅牵头)", "新增机架2000个。（省财政厅牵头）"),
    ],
)
def test_punctuation_shown_full_width(printed, shown):
    assert normalize_punctuation(printed) == shown


def test_fold_is_for_matching():
    assert fold("１¤培育（一）２０２５年") == "1.培育(一)2025年"


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("２０２３年１１月１１日", "2023-11-11"),
        ("2022 年3月10日", "2022-03-10"),
        ("2023年13月1日", ""),
        ("无", ""),
    ],
)
def test_parse_chinese_date(text, iso):
    assert parse_chinese_date(text) == iso


# --- page numbers, headers, front and back matter ---------------------------------------------


@pytest.mark.parametrize(
    ("line", "body", "number"),
    [
        ("— 2 —", "", 2),
        ("－ 2 －", "", 2),
        ("- 7 -", "", 7),
        ("·2·", "", 2),
        ("第2页", "", 2),
        ("第 3 页 共 9 页", "", 3),
        (" — 6 — ", "", 6),
        ("关于印发方案的通知— 3 —", "关于印发方案的通知", 3),
        ("— 3 —各市人民政府", "各市人民政府", 3),
        ("（２０２３－２０２５年）", "（２０２３－２０２５年）", None),
        ("2023-2025", "2023-2025", None),
    ],
)
def test_page_number_lines(line, body, number):
    assert strip_page_number(line)[:2] == (body, number)


def test_txt_pages_recovered_from_footers():
    text = "一、总则\n第一句话。\n— 1 —\n第二页的话。\n— 2 —\n第三页的话。\n— 3 —\n最后一页。\n"
    clean = clean_document(txt(text))
    assert clean.text == "一、总则\n第一句话。\n第二页的话。\n第三页的话。\n最后一页。"
    assert clean.page_numbers == (1, 2, 3, 4)
    assert clean.page_starts == (0, 11, 18, 25)


def test_glued_page_number_splits_pages_and_disappears():
    text = "一、总则\n第一句话。\n— 1 —\n第二页。— 2 —\n第三页。\n— 3 —\n末页。"
    clean = clean_document(txt(text))
    assert "—" not in clean.text
    assert clean.page_numbers == (1, 2, 3, 4)


def test_running_header_recurring_in_flow_without_pages():
    header = "测试省人民政府办公厅"
    text = f"一、总则\n{header}\n第一句话。\n{header}\n二、任务\n{header}\n完成。"
    assert clean_document(txt(text)).text == "一、总则\n第一句话。\n二、任务\n完成。"


def test_header_repeated_only_twice_is_kept():
    text = "一、总则\n测试省人民政府办公厅\n第一句话。\n测试省人民政府办公厅"
    assert clean_document(txt(text)).text.count("测试省人民政府办公厅") == 2


def test_front_and_back_matter():
    text = "\n".join(
        [
            "JNCR—2022—0040001",
            "测试市工业和信息化局文件",
            "测工信字〔2022〕1号",
            "关于印发测试办法的通知",
            "各相关单位：",
            "一、总体要求。",
            "抄送：省委各部门，省人大常委会办公厅。",
            "测试市人民政府办公室 2022年3月10日印发",
        ]
    )
    clean = clean_document(txt(text))
    assert clean.front_matter == ("JNCR—2022—0040001", "测试市工业和信息化局文件", "测工信字〔2022〕1号")
    assert clean.back_matter == (
        "抄送：省委各部门，省人大常委会办公厅。",
        "测试市人民政府办公室 2022年3月10日印发",
    )
    assert clean.text == "关于印发测试办法的通知\n各相关单位：\n一、总体要求。"


# --- paragraphs ------------------------------------------------------------------------------

WRAPPED = """\
关于印发测试方案的通知

各市人民政府，省政府各部门：

为全面贯彻党的二十大精神，进一步激发县域发展活力动

力，制定本方案。

一、主要目标

坚持以习近平新时代中国特色社会主义思想为指导，以高质

量发展为主线。(省发展改革委牵头)
二、重点任务
(一)实施经济强县领跑计划。发挥胶州、龙口等县带动作用，

加快补齐短板弱项。 (省工业和信息化厅、省农业农村厅、省工业和

信息化厅牵头)
"""


def test_soft_breaks_joined_and_blank_lines_ignored():
    assert clean_document(txt(WRAPPED)).text.splitlines() == [
        "关于印发测试方案的通知",
        "各市人民政府，省政府各部门：",
        "为全面贯彻党的二十大精神，进一步激发县域发展活力动力，制定本方案。",
        "一、主要目标",
        "坚持以习近平新时代中国特色社会主义思想为指导，以高质量发展为主线。（省发展改革委牵头）",
        "二、重点任务",
        "（一）实施经济强县领跑计划。发挥胶州、龙口等县带动作用，加快补齐短板弱项。"
        "（省工业和信息化厅、省农业农村厅、省工业和信息化厅牵头）",
    ]


# Paragraphs hard-wrapped at 21 characters, so lines break right before a closing 〉, inside a bracket
# before its number (附件 / 1）), after a word that ends titles (…和计划 / 单列市…), and after a
# box's title that fills its line (任务专栏9…建设 / 国家局…): each break
# found by typesetting the gold documents as PDFs (tests/ingest/pdf_gold.py).
WRAP_BREAKS = [
    "为推进工作，制定本方案。各地要认真落实本方案各项要求，加强组织领导和统筹协调，确保取得实效。",
    "印发《民政部办公厅关于落实〈关于切实解决老年人运用智能技术困难相关问题的若干实施方案〉的通知》，"
    "部署相关工作。",
    "汽车生产企业组成联合体，参考实施指南（附件1），制定申报方案（模板参考附件2），向所在地申报。",
    "上述数据信息的格式、标准、共享方式，由国务院税务主管部门及各省、自治区、直辖市和计划"
    "单列市税务局商有关部门确定。",
    "任务专栏9\u3000药品追溯协同服务及监管系统建设",
    "国家局建设药品追溯协同服务及监管系统，为企业和社会公众提供公共服务。",
]


def test_wrapped_lines_join_across_breaks_typesetting_makes():
    wrapped = "\n".join(p[i : i + 21] for p in WRAP_BREAKS for i in range(0, len(p), 21))
    assert "实施方案\n〉的通知" in wrapped and "（附件\n1）" in wrapped and "和计划\n单列市" in wrapped
    assert clean_document(txt(wrapped)).text.splitlines() == WRAP_BREAKS


def test_one_paragraph_per_line_text_is_not_joined():
    text = "　　一、总体要求\n　　坚持创新驱动\n　　（一）加强领导\n"
    assert clean_document(txt(text)).text == "一、总体要求\n坚持创新驱动\n（一）加强领导"


def test_two_line_title_with_year_range_is_one_line():
    text = "测试省县域经济高质量发展三年行动方案\n(２０２３－２０２５年)\n为推进工作，制定本方案。"
    assert (
        clean_document(txt(text)).text.splitlines()[0]
        == "测试省县域经济高质量发展三年行动方案（２０２３－２０２５年）"
    )


def test_no_pages_for_page_less_formats():
    clean = clean_document(txt("一、总体要求\n（一）加强领导。"))
    assert clean.page_starts == clean.page_numbers == ()


# --- the county-economy plan (PDF text extraction) -------------------------------------------


@pytest.fixture(scope="module")
def plan():
    return clean_document(read_file(PLAN))


def test_plan_noise_removed(plan):
    lines = plan.text.splitlines()
    assert "山 东 省 人 民 政 府" not in lines
    assert all(line.strip() == line and line for line in lines)
    assert "¤" not in plan.text
    assert "—" not in plan.text
    assert plan.front_matter == ("山 东 省 人 民 政 府",)
    assert plan.back_matter == (
        "抄送：省委各部门，省人大常委会办公厅，省政协办公厅，省监委，省法院，省检察院。",
        "各民主党派省委，省工商联。",
        "山东省人民政府办公厅 ２０２３年１１月１３日印发",
    )


def test_plan_department_names_whole_across_breaks(plan):
    attribution = (
        "（省工业和信息化厅、省农业农村厅、省生态环境厅、省科技厅、省商务厅、"
        "省文化和旅游厅、省财政厅牵头，省有关部门配合）"
    )
    assert plan.text.count(attribution) == 1
    assert "（省自然资源厅、省发展改革委牵头，省生态环境厅配合）" in plan.text
    assert "（省发展改革委、省市场监管局、省工业和信息化厅牵头）" in plan.text


def test_plan_numbered_items_start_lines(plan):
    lines = plan.text.splitlines()
    for start in [
        "一、主要目标",
        "二、重点任务",
        "三、重要举措",
        "四、组织保障",
        "１．培育优势产业集群",
        "（七）实施资源要素保障支撑工程。",
    ]:
        assert any(line.startswith(start) for line in lines), start
    assert sum(line.startswith("１．") for line in lines) == 7
    assert not any("１．" in line[1:] for line in lines)


def test_plan_head_lines(plan):
    assert plan.text.splitlines()[:7] == [
        "关于印发山东省县域经济高质量发展三年行动方案（２０２３－２０２５年）的通知",
        "各市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构，各大企业，各高等院校：",
        "《山东省县域经济高质量发展三年行动方案（２０２３－２０２５年）》已经省委、省政府同意，现印发给你们，请结合实际认真贯彻落实。",
        "山东省人民政府",
        "２０２３年１１月１１日",
        "（此件公开发布）",
        "山东省县域经济高质量发展三年行动方案（２０２３－２０２５年）",
    ]


def test_plan_clause_joined_with_its_attribution(plan):
    assert (
        "（一）实施经济强县领跑计划。发挥胶州、龙口、荣成、邹城、寿光５个“千亿”县（市）带动作用，"
        "支持一批基础好、潜力大的县（市）加快补齐短板弱项、着力增强内生动力、加速实现千亿突破，"
        "引领全省县域经济高质量发展跑出“加速度”。对新实现“千亿县”目标的，当年度优先推荐为高质量发展先进县。"
        "（省发展改革委牵头，省有关部门配合）\n（二）" in plan.text
    )
    assert "下放镇（街）。（省发展改革委、省委编办牵头，省有关部门配合）" in plan.text
    assert "开发（EOD）模式试点。" in plan.text


# --- other corpus documents --------------------------------------------------------------------


def test_jinan_pdftext_front_back_and_pages():
    clean = clean_document(
        read_file(shared("jinan_2022_zhineng_wanglian_qiche_daolu_ceshi_banfa_PDFTEXT.txt"))
    )
    lines = clean.text.splitlines()
    assert clean.front_matter == (
        "JNCR—2022—0040001",
        "济南市工业和信息化局",
        "济 南 市 公 安 局",
        "济南市城乡交通运输局",
        "济工信装备字〔2022〕1号",
        "文件",
    )
    assert clean.back_matter == ("信息公开选项：不予公开", "济南市工业和信息化局办公室 2022年3月10日印发")
    assert lines[0] == "关于印发《济南市智能网联汽车道路测试与示范应用管理办法（试行）》的通知"
    assert "济南市智能网联汽车道路测试与示范应用管理办法（试行）" in lines
    assert not [line for line in lines if line.startswith("—") or line.endswith("—")]
    assert (
        "本办法所称测试区（场），是指在固定区域设置的具有封闭物理界限及智能网联汽车自动驾驶功能测试所需道路、网联等设施及环境条件的场地。"
        in lines
    )
    assert clean.page_numbers[:3] == (1, 2, 3)
    assert clean.text[clean.page_starts[2] :].startswith("施及环境条件的场地。\n第三条")
    assert clean.page_at(clean.text.index("第十三条")) == 7


def test_html_page_clean_text():
    clean = clean_document(read_file(shared("gov_guofa_2018_39_cujin_jiuye_ruogan_yijian.html")))
    lines = clean.text.splitlines()
    assert lines[:3] == [
        "国务院关于做好当前和今后一个时期促进就业工作的若干意见",
        "国发〔2018〕39号",
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
    ]
    assert lines[-1] == "（此件公开发布）"
    assert clean.page_starts == ()


@pytest.mark.parametrize(
    ("name", "first", "line"),
    [
        (
            "anhui_2021_gongye_hulianwang_xingdong_jihua.txt",
            "安徽省人民政府办公厅关于印发支持工业互联网发展若干政策和安徽省工业互联网创新发展行动计划（2021—2023年）的通知",
            "（皖政办秘〔2021〕82号）",
        ),
        (
            "shandong_2019_shuzi_shandong_2019_xingdong_fangan.txt",
            "为贯彻落实《数字山东发展规划（2018-2022年）》，加快推进数字山东建设，制定本行动方案。",
            "一、打造协同高效的数字政府",
        ),
        ("shandong_2020_gongye_dashuju_fazhan_shishi_fangan.txt", None, "（一）加快数字基础设施建设。"),
        ("qingdao_2024_rengong_zhineng_chanye_chuangxin_xingdong_jihua.txt", None, "一、总体要求"),
        (
            "jinan_2021_kechuang_jinan_ruogan_zhengce_cuoshi.txt",
            "关于加快“科创济南”建设全面提升科技创新能力的若干政策措施",
            "一、全力争创综合性国家科学中心",
        ),
        ("gov_guobanfa_2020_45_laonianren_zhineng_jishu_kunnan_shishi_fangan.txt", None, "（一）指导思想。"),
    ],
)
def test_published_txt_keeps_one_paragraph_per_line(name, first, line):
    clean = clean_document(read_file(shared(name)))
    lines = clean.text.splitlines()
    if first:
        assert lines[0] == first
    assert line in lines
    assert all(text == text.strip() and text for text in lines)
    assert not any(text.startswith("抄送") for text in lines)
