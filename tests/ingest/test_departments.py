"""Canonical names, generic phrases and splitting lists of units."""

from __future__ import annotations

import pytest

from ingest.departments import canonical, known_departments
from ingest.units import is_generic, looks_like_unit, split_units


@pytest.mark.parametrize(
    ("printed", "expected"),
    [
        ("省发展改革委", "省发展改革委"),
        ("省发改委", "省发展改革委"),
        ("山东省发展和改革委员会", "省发展改革委"),
        ("省工信厅", "省工业和信息化厅"),
        ("山东省工业和信息化厅", "省工业和信息化厅"),
        ("省科学技术厅", "省科技厅"),
        ("省人社厅", "省人力资源社会保障厅"),
        ("省住建厅", "省住房城乡建设厅"),
        ("省市场监督管理局", "省市场监管局"),
        ("山东省大数据局", "省大数据局"),
        ("工信部", "工业和信息化部"),
        ("人力资源和社会保障部", "人力资源社会保障部"),
        ("中国人民银行", "人民银行"),
        ("市工信局", "市工业和信息化局"),
        ("市科学技术局", "市科技局"),
        ("青岛市工信局", "青岛市工业和信息化局"),
        ("济南市科技局", "济南市科技局"),
        ("省 工业和\n信息化厅", "省工业和信息化厅"),
        ("省经济和信息化厅", "省经济和信息化厅"),  # not in the table: kept as printed
        ("ＸＸ中心", "XX中心"),  # unknown names are folded
        ("市场监管总局（标准委）", "市场监管总局"),  # a bracketed note is another name of the same body
        ("省发展改革委（省能源局）", "省发展改革委"),
        ("青岛海洋科技中心（筹）", "青岛海洋科技中心"),
    ],
)
def test_canonical(printed: str, expected: str) -> None:
    assert canonical(printed) == expected


def test_known_departments_lists_aliases() -> None:
    known = known_departments()
    assert {"省发改委", "山东省发展和改革委员会"} <= known["省发展改革委"]
    assert "省委组织部" in known and "省委宣传部" in known and "省通信管理局" in known


@pytest.mark.parametrize(
    "name",
    [
        "省有关部门",
        "各有关部门",
        "各市政府",
        "相关部门及各地区",
        "各区、市政府",
        "有关部门",
        "各省级人民政府",
        "省推进工业互联网创新发展专项工作组成员单位",
        "市相关行业主管部门",
    ],
)
def test_generic(name: str) -> None:
    assert is_generic(name)


@pytest.mark.parametrize("name", ["省发展改革委", "省委网信办", "青岛海洋科技中心", "济南市政府"])
def test_not_generic(name: str) -> None:
    assert not is_generic(name)
    assert looks_like_unit(name)


@pytest.mark.parametrize("text", ["２０２３－２０２５年", "试行", "市", "加强组织领导"])
def test_not_units(text: str) -> None:
    assert not looks_like_unit(text)


@pytest.mark.parametrize(
    ("text", "names"),
    [
        (
            "省工业和信息化厅、省文化和旅游厅、省住房和城乡建设厅",
            ["省工业和信息化厅", "省文化和旅游厅", "省住房和城乡建设厅"],
        ),
        ("省教育厅、省国资委等有关部门", ["省教育厅", "省国资委", "有关部门"]),
        (
            "市工业和信息化局，市科技局；市教育局,市财政局",
            ["市工业和信息化局", "市科技局", "市教育局", "市财政局"],
        ),
        (
            "市工业和信息化局及专班成员单位，各区、市政府",
            ["市工业和信息化局", "专班成员单位", "各区、市政府"],
        ),
        ("相关部门及各地区", ["相关部门及各地区"]),
        ("文化和旅游部、体育总局及各地区", ["文化和旅游部", "体育总局", "各地区"]),
        ("各有关部门和单位", ["各有关部门和单位"]),
        ("省委办公厅和省政府办公厅", ["省委办公厅", "省政府办公厅"]),
        ("人力资源社会保障部等", ["人力资源社会保障部"]),
        ("有关县（市、区）政府、省财政厅", ["有关县（市、区）政府", "省财政厅"]),
    ],
)
def test_split_units(text: str, names: list[str]) -> None:
    assert split_units(text) == names
