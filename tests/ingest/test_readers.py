"""Readers: format sniffing by content, each format's text and fields, and one-line errors."""

from __future__ import annotations

import dataclasses
import os

import pytest
from render import GOV_HTML, PNG_1X1, render_docx, render_pdf, render_zip

from ingest.errors import CorruptFile, EmptyFile, FileTooLarge, UnsupportedFormat
from ingest.read_options import DEFAULT_LIMITS, ReadOptions
from ingest.readers import read_bytes, read_file, sniff
from ingest.readers.txt import decode

TEXT = "关于测试工作的通知\n各市人民政府：\n一、总体要求\n（一）加强测试。（省科技厅牵头）\n"


def test_sniff_by_content_not_extension(tmp_path):
    path = tmp_path / "really_a_pdf.txt"
    render_pdf(["一、总体要求"], path)
    assert read_file(path).format == "pdf"
    assert sniff(GOV_HTML.encode()) == "html"
    assert sniff(render_docx(["正文"])) == "docx"
    assert sniff(TEXT.encode("gb18030")) == "txt"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (PNG_1X1, "not a PDF, OFD, Word (DOCX, DOC), WPS, RTF, HTML or text file"),
        (render_zip(), "a zip archive but not a DOCX or OFD document"),
        (bytes(range(256)) * 8, f"binary content, {UnsupportedFormat.reason}"),
    ],
)
def test_unsupported_formats(data, reason):
    with pytest.raises(UnsupportedFormat) as err:
        read_bytes(data, "upload.bin")
    assert str(err.value) == f"upload.bin: {reason}"


@pytest.mark.parametrize("data", [b"", b"   \r\n\t\n", "\u3000\n".encode()])
def test_empty_files(data):
    with pytest.raises(EmptyFile) as err:
        read_bytes(data, "empty.txt")
    assert str(err.value) == "empty.txt: the file is empty"


def test_files_over_the_size_limit_are_refused_before_reading(tmp_path):
    options = ReadOptions(limits=dataclasses.replace(DEFAULT_LIMITS, max_bytes=1000))
    path = tmp_path / "big.txt"
    path.write_bytes(TEXT.encode() * 20)
    with pytest.raises(FileTooLarge) as err:
        read_file(path, options)
    size = len(TEXT.encode()) * 20
    assert str(err.value) == f"big.txt: the file is larger than the limit ({size:,} bytes > 1,000 bytes)"
    with pytest.raises(FileTooLarge):
        read_bytes(TEXT.encode() * 20, "big.txt", options)


def test_missing_file_is_one_line_error(tmp_path):
    with pytest.raises(CorruptFile) as err:
        read_file(tmp_path / "gone.pdf")
    assert str(err.value).startswith("gone.pdf: cannot be read (")


def test_corrupt_docx():
    data = render_docx(["正文"])[:300]  # a zip cut short: central directory missing
    with pytest.raises((CorruptFile, UnsupportedFormat)) as err:
        read_bytes(data, "cut.docx")
    assert str(err.value).startswith("cut.docx: ")


def test_txt_gb18030_utf8_bom_and_crlf():
    gb = read_bytes(TEXT.replace("\n", "\r\n").encode("gb18030"), "gb.txt")
    bom = read_bytes(b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "bom.txt")
    assert gb.format == bom.format == "txt"
    assert gb.pages[0].text == TEXT
    assert bom.pages[0].text == TEXT
    assert gb.pages[0].number is None


def test_txt_decode_never_fails_on_mixed_bytes():
    data = TEXT.encode("utf-8") + b"\xff\xfe\x81" + TEXT.encode("gb18030")
    assert "一、总体要求" in decode(data)


def test_docx_paragraphs_and_tables_in_document_order():
    data = render_docx(
        [
            "关于印发任务分工的通知",
            [["序号", "重点任务", "牵头单位"], ["1", "建设新型基础设施", "省工业和信息化厅"]],
            "一、总体要求",
        ]
    )
    raw = read_bytes(data, "tasks.docx")
    assert raw.format == "docx"
    assert raw.pages[0].text.splitlines() == [
        "关于印发任务分工的通知",
        "序号\t重点任务\t牵头单位",
        "1\t建设新型基础设施\t省工业和信息化厅",
        "一、总体要求",
    ]


def test_html_body_without_navigation_or_scripts():
    raw = read_bytes(GOV_HTML.encode("utf-8"), "page.html")
    assert raw.format == "html"
    assert raw.pages[0].text.splitlines() == [
        "国务院关于",
        "测试工作的通知",
        "国发〔2023〕7号",
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
        "一、总体要求",
        "（一）加强测试。做好测试工作。（工业和信息化部牵头，财政部配合）",
        "国务院",
        "2023年3月5日",
        "（此件公开发布）",
    ]


def test_html_metadata_table_fields():
    raw = read_bytes(GOV_HTML.encode("utf-8"), "page.html")
    assert raw.fields == {
        "索引号": "000014349/2023-00001",
        "主题分类": "综合政务\\其他",
        "发文机关": "国务院",
        "成文日期": "2023年03月05日",
        "标题": "国务院关于测试工作的通知",
        "发文字号": "国发〔2023〕7号",
        "发布日期": "2023年03月08日",
        "页面标题": "国务院关于测试工作的通知_政府信息公开",
    }


def test_html_in_gb18030_with_declared_charset():
    page = GOV_HTML.replace('charset="utf-8"', 'charset="gb2312"')
    raw = read_bytes(page.encode("gb18030"), "gb.html")
    assert raw.fields["发文机关"] == "国务院"


CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "corpus")


def test_gov_cn_page_from_corpus():
    path = os.path.join(CORPUS, "gov_guofa_2018_39_cujin_jiuye_ruogan_yijian.html")
    if not os.path.exists(path):
        pytest.skip("the shared corpus (../shared/corpus) is not available")
    raw = read_file(path)
    lines = raw.pages[0].text.splitlines()
    assert raw.fields["发文字号"] == "国发〔2018〕39号"
    assert raw.fields["成文日期"] == "2018年11月16日"
    assert lines[:3] == ["国务院关于做好当前和今后一个时期", "促进就业工作的若干意见", "国发〔2018〕39号"]
    assert lines[-3:] == ["国务院", "2018年11月16日", "（此件公开发布）"]
    assert "扫一扫" not in raw.pages[0].text
    assert "索引号" not in raw.pages[0].text
