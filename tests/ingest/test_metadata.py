"""Document metadata from the printed document and from the gov.cn metadata table."""

from __future__ import annotations

from pathlib import Path

import pytest
from render import GOV_HTML

from ingest.clean import clean_document
from ingest.metadata import extract_meta, self_writer
from ingest.model import DocumentMeta, Page, RawDocument
from ingest.readers import read_bytes, read_file

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "corpus"


def meta_of(path: Path) -> DocumentMeta:
    raw = read_file(path)
    return extract_meta(raw, clean_document(raw))


def meta_of_text(text: str) -> DocumentMeta:
    raw = RawDocument(source="t.txt", format="txt", pages=(Page(None, text),))
    return extract_meta(raw, clean_document(raw))


def shared(name: str) -> Path:
    path = SHARED / name
    if not path.exists():
        pytest.skip("the shared corpus (../shared/corpus) is not available")
    return path


def test_plan_meta():
    assert meta_of(REPO / "corpus" / "shandong_2023_county_economy_plan_PDFTEXT.txt") == DocumentMeta(
        title="山东省县域经济高质量发展三年行动方案（２０２３－２０２５年）",
        issuer="山东省人民政府",
        doc_number="",
        date="2023-11-11",
        recipients="各市人民政府，各县（市、区）人民政府，省政府各部门、各直属机构，各大企业，各高等院校",
        public_status="此件公开发布",
        extra={
            "notice_title": "关于印发山东省县域经济高质量发展三年行动方案（２０２３－２０２５年）的通知",
            "printed_by": "山东省人民政府办公厅",
            "printed_date": "2023-11-13",
        },
    )


def test_jinan_joint_notice_meta():
    meta = meta_of(shared("jinan_2022_zhineng_wanglian_qiche_daolu_ceshi_banfa_PDFTEXT.txt"))
    assert meta.title == "济南市智能网联汽车道路测试与示范应用管理办法（试行）"
    assert (
        meta.extra["notice_title"] == "关于印发《济南市智能网联汽车道路测试与示范应用管理办法（试行）》的通知"
    )
    assert meta.issuer == "济南市工业和信息化局、济南市公安局、济南市城乡交通运输局"
    assert meta.doc_number == "济工信装备字〔2022〕1号"
    assert meta.date == "2022-03-10"
    assert meta.recipients == "各相关单位"
    assert meta.public_status == "信息公开选项：不予公开"


def test_gov_cn_html_meta_from_table():
    meta = meta_of(shared("gov_guofa_2018_39_cujin_jiuye_ruogan_yijian.html"))
    assert meta.title == "国务院关于做好当前和今后一个时期促进就业工作的若干意见"
    assert meta.issuer == "国务院"
    assert meta.doc_number == "国发〔2018〕39号"
    assert meta.date == "2018-11-16"
    assert meta.index_number == "000014349/2018-00212"
    assert meta.recipients == "各省、自治区、直辖市人民政府，国务院各部委、各直属机构"
    assert meta.public_status == "此件公开发布"
    assert meta.extra["发布日期"] == "2018-12-05"
    assert meta.extra["主题分类"] == "劳动、人事、监察\\劳动就业"


def test_generated_html_meta():
    raw = read_bytes(GOV_HTML.encode("utf-8"), "page.html")
    meta = extract_meta(raw, clean_document(raw))
    assert (meta.title, meta.issuer, meta.doc_number, meta.date, meta.index_number) == (
        "国务院关于测试工作的通知",
        "国务院",
        "国发〔2023〕7号",
        "2023-03-05",
        "000014349/2023-00001",
    )
    assert meta.public_status == "此件公开发布"


def test_anhui_notice_wrapping_two_documents_keeps_notice_title():
    meta = meta_of(shared("anhui_2021_gongye_hulianwang_xingdong_jihua.txt"))
    assert meta.title.startswith("安徽省人民政府办公厅关于印发支持工业互联网发展若干政策")
    assert meta.issuer == "安徽省人民政府办公厅"
    assert meta.doc_number == "皖政办秘〔2021〕82号"
    assert meta.date == "2021-09-02"
    assert meta.recipients == "各市人民政府，省政府各部门，各直属机构"


def test_body_only_text_has_no_invented_title():
    meta = meta_of(shared("qingdao_2024_rengong_zhineng_chanye_chuangxin_xingdong_jihua.txt"))
    assert (meta.title, meta.issuer, meta.doc_number, meta.date) == ("", "", "", "")


def test_date_falls_back_to_printing_date_of_banji():
    meta = meta_of(shared("shandong_2019_shuzi_shandong_2019_xingdong_fangan.txt"))
    assert meta.date == "2019-03-15"
    assert meta.extra["printed_by"] == "山东省人民政府办公厅"


def test_signature_line_names_the_issuer():
    head = ["关于加强测试工作的意见", "测政发〔2024〕3号", "各市人民政府："]
    text = "\n".join([*head, "一、总体要求。", "测试省人民政府", "2024年1月5日", "（此件主动公开）"])
    meta = meta_of_text(text)
    assert (meta.title, meta.issuer, meta.doc_number, meta.date, meta.recipients, meta.public_status) == (
        "关于加强测试工作的意见",
        "测试省人民政府",
        "测政发〔2024〕3号",
        "2024-01-05",
        "各市人民政府",
        "此件主动公开",
    )


def test_a_cover_letter_without_a_title_line_is_titled_by_what_it_publishes():
    body = ["各省教育厅，部内各司局：", "《测试平台接入管理规范（试行）》已经部领导审定同意，现印发给你们。"]
    meta = meta_of_text("\n".join([*body, "测试部办公厅", "2022年7月25日", "第一条 为规范接入。"]))
    assert (meta.title, meta.issuer) == ("测试平台接入管理规范（试行）", "测试部办公厅")
    # a letter that opens with a sentence but publishes nothing by name has no title (not its signature)
    meta = meta_of_text("\n".join(["各省教育厅：", "现就有关事项通知如下。", "测试部办公厅", "2022年7月5日"]))
    assert meta.title == ""


def test_a_seal_note_under_the_text_names_the_issuer():
    text = "\n".join(["关于加快测试平台建设的通知", "一、总体要求。", "（测试局办公室代章）", "2018年5月4日"])
    assert meta_of_text(text).issuer == "测试局办公室"


def test_a_forwarded_text_is_written_by_its_author_not_by_the_notice_issuer():
    title = "国务院办公厅转发国家地震局关于加强防震减灾工作意见的通知"
    assert self_writer(DocumentMeta(title=title, issuer="国务院办公厅")) == "国家地震局"
    own = DocumentMeta(title="关于加快测试平台建设的通知", issuer="测试局办公室")
    assert self_writer(own) == "测试局办公室"


def test_a_title_from_the_file_name_names_the_issuer_when_the_text_prints_none():
    raw = RawDocument(
        source="测试部办公厅关于开展试点的通知.txt",
        format="txt",
        pages=(Page(None, "各省测试厅：\n现就开展试点工作通知如下。\n一、我部将组织评估。\n"),),
    )
    meta = extract_meta(raw, clean_document(raw))
    assert (meta.title, meta.issuer) == ("测试部办公厅关于开展试点的通知", "测试部办公厅")
