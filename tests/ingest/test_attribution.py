"""Attribution brackets: every style of the corpus, roles, scopes, and brackets that are not ones."""

from __future__ import annotations

import pytest

from ingest.attribution import Tagger, parse_attribution
from ingest.attribution import find_attributions as find_tagged
from ingest.model import Attribution
from ingest.roles import first_listed_lead_at, states_first_listed_lead


def find_attributions(text: str, start: int, end: int) -> tuple[Attribution, ...]:
    return find_tagged(text, start, end).attributions


def roles(inner: str, first_listed_leads: bool = False) -> dict[str, list[str]] | None:
    return parse_attribution(inner, first_listed_leads=first_listed_leads)


def r(lead=(), cooperate=(), responsible=(), generic=()) -> dict[str, list[str]]:
    return {
        "lead": list(lead),
        "cooperate": list(cooperate),
        "responsible": list(responsible),
        "generic": list(generic),
    }


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ("省发展改革委牵头，省有关部门配合", r(["省发展改革委"], generic=["省有关部门"])),
        ("省工业和信息化厅、省农业农村厅牵头", r(["省工业和信息化厅", "省农业农村厅"])),
        (
            "省政府办公厅、省发展改革委、省财政厅牵头，省教育厅、省国资委等有关部门配合",
            r(["省政府办公厅", "省发展改革委", "省财政厅"], ["省教育厅", "省国资委"], generic=["有关部门"]),
        ),
        (
            "牵头单位：市科技局；责任单位：市发展改革委、市工业和信息化局",
            r(["市科技局"], ["市发展改革委", "市工业和信息化局"]),
        ),
        ("牵头单位：市科技局，责任单位：市教育局", r(["市科技局"], ["市教育局"])),
        ("牵头单位：省财政厅；配合单位：省税务局", r(["省财政厅"], ["省税务局"])),
        (
            "省大数据局牵头，省人力资源社会保障厅、省科协参与",
            r(["省大数据局"], ["省人力资源社会保障厅", "省科协"]),
        ),
        ("省大数据局牵头，省统计局参加", r(["省大数据局"], ["省统计局"])),
        ("省大数据局牵头，省统计局配合，下同", r(["省大数据局"], ["省统计局"])),
        ("责任单位：省经济和信息化厅、省财政厅", r(responsible=["省经济和信息化厅", "省财政厅"])),
        (
            "责任单位：市委宣传部，市工业和信息化局，各区、市政府",
            r(responsible=["市委宣传部", "市工业和信息化局"], generic=["各区、市政府"]),
        ),
        ("省工业和信息化厅、省通信管理局负责", r(responsible=["省工业和信息化厅", "省通信管理局"])),
        ("省科技厅、省工业和信息化厅分工负责", r(responsible=["省科技厅", "省工业和信息化厅"])),
        (
            "国家发展改革委、国家卫生健康委、工业和信息化部牵头，相关部门及各地区按职责分工负责",
            r(["国家发展改革委", "国家卫生健康委", "工业和信息化部"], generic=["相关部门及各地区"]),
        ),
        (
            "省政府办公厅牵头，省大数据局配合，各有关部门、各市政府分工负责",
            r(["省政府办公厅"], ["省大数据局"], generic=["各有关部门", "各市政府"]),
        ),
        (
            "省委办公厅、省政府办公厅负责，省大数据局配合",
            r(cooperate=["省大数据局"], responsible=["省委办公厅", "省政府办公厅"]),
        ),
        ("各有关部门分工负责", r(generic=["各有关部门"])),
        ("省政府有关部门按职责分工负责", r(generic=["省政府有关部门"])),
        ("省大数据局牵头，各有关部门分头落实", r(["省大数据局"], generic=["各有关部门"])),
        (
            "省大数据局、省委网信办牵头，省发展改革委、省住房城乡建设厅等有关部门配合，各市政府落实",
            r(
                ["省大数据局", "省委网信办"],
                ["省发展改革委", "省住房城乡建设厅"],
                generic=["有关部门", "各市政府"],
            ),
        ),
        (
            "责任单位：省通信管理局，省铁塔公司、各基础电信企业，各市人民政府",
            r(responsible=["省通信管理局", "省铁塔公司"], generic=["各基础电信企业", "各市人民政府"]),
        ),
        # X会同Y inside a run: X leads, Y cooperates; a responsible label whose names carry role words
        ("济南海关会同省商务厅负责", r(["济南海关"], ["省商务厅"])),
        ("省商务厅会同济南海关、青岛海关牵头", r(["省商务厅"], ["济南海关", "青岛海关"])),
        ("责任单位：省商务厅牵头，规划处配合", r(["省商务厅"], ["规划处"])),
        # a list of levels is one collective name: its 、 parts no units (nor the carrier)
        (
            "省商务厅牵头，各省、自治区、直辖市人民政府配合",
            r(["省商务厅"], generic=["各省、自治区、直辖市人民政府"]),
        ),
        # a role stem alone as a label (牵头：X): before, the names kept the label as their first words
        ("牵头：济南海关；配合：团市委", r(["济南海关"], ["团市委"])),
        ("责任：济南海关、团市委", r(responsible=["济南海关", "团市委"])),
        # the agent word opening a carrier is no name: its units count by position, as in any run
        ("由省商务厅牵头，规划处配合", r(["省商务厅"], ["规划处"])),
        # the labels of district task lists: 主要责任单位 leads beside 协同配合单位; 支持单位 cooperates
        ("主要责任单位：区商务局；协同配合单位：区财政局", r(["区商务局"], ["区财政局"])),
        (
            "牵头责任单位：省商务厅。协同责任单位：合肥海关、人行合肥中心支行等。",
            r(["省商务厅"], ["合肥海关", "人行合肥中心支行"]),
        ),
        ("牵头单位：济南海关；支持单位：团市委", r(["济南海关"], ["团市委"])),
        ("共同牵头单位：济南海关、团市委", r(["济南海关", "团市委"])),
        # a label for the division as a whole: the names keep their own role words
        ("部门分工：省发展改革委牵头，各地、各部门配合。", r(["省发展改革委"], generic=["各地", "各部门"])),
        ("责任分工：济南海关、团市委", r(responsible=["济南海关", "团市委"])),
        # areas answer through their 管委会 and are listed without it
        (
            "牵头单位：区工信局；责任单位：立山经济开发区，各街道，税务局",
            r(["区工信局"], ["立山经济开发区", "税务局"], generic=["各街道"]),
        ),
        ("区工信局牵头，高新区管委会、经开区管委会配合", r(["区工信局"], ["高新区管委会", "经开区管委会"])),
        # 等部门 sums up the names before it: no collective phrase of its own
        (
            "区发改局牵头，区财政局、区交运局等部门，区国投公司配合",
            r(["区发改局"], ["区财政局", "区交运局", "区国投公司"]),
        ),
        # half-width punctuation of uncleaned PDF text, names broken by a line break
        (
            "省工业和\n信息化厅、省市场监管局牵头,省有\n关部门配合",
            r(["省工业和信息化厅", "省市场监管局"], generic=["省有关部门"]),
        ),
    ],
)
def test_styles(inner: str, expected: dict[str, list[str]]) -> None:
    assert roles(inner) == expected


@pytest.mark.parametrize(
    "inner",
    [
        "２０２３－２０２５年",
        "市、区",
        "试行",
        "含技工院校",
        "单位",
        "EOD",
        "以下简称“联席会议”",
        "由省财政厅负责资金保障",
        "牵头",
        "企业牵头实施重大项目",
        "由于市场变化，企业牵头",  # 由于 is a conjunction, not the agent word
    ],
)
def test_not_attributions(inner: str) -> None:
    assert roles(inner) is None


def test_first_listed_convention() -> None:
    inner = "人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同"
    assert states_first_listed_lead(inner)
    assert roles(inner) == r(["人力资源社会保障部"], ["财政部"])
    later = "人力资源社会保障部、科技部、财政部，各省级人民政府按职责分工负责"
    assert roles(later, first_listed_leads=True) == r(
        ["人力资源社会保障部"], ["科技部", "财政部"], generic=["各省级人民政府"]
    )
    assert roles("各有关部门和单位，各省级人民政府按职责分工负责", first_listed_leads=True) == r(
        generic=["各有关部门和单位", "各省级人民政府"]
    )
    assert roles(later) == r(
        responsible=["人力资源社会保障部", "科技部", "财政部"], generic=["各省级人民政府"]
    )
    assert not states_first_listed_lead("省发展改革委牵头")
    assert first_listed_lead_at("前言。（甲部负责。列第一位者为牵头部门）") == 9


def test_convention_applies_from_its_bracket_on() -> None:
    text = (
        "（一）甲。（财政部、教育部负责）"
        "乙。（人力资源社会保障部、财政部负责。列第一位者为牵头单位，下同）"
        "丙。（民政部、财政部负责）"
    )
    found = find_attributions(text, 0, len(text))
    assert [[d.printed for d in a.lead] for a in found] == [[], ["人力资源社会保障部"], ["民政部"]]
    assert [d.printed for d in found[0].responsible] == ["财政部", "教育部"]


def test_scopes_bind_each_sentence_run() -> None:
    text = (
        "１．推动政务服务。整合平台（省大数据局牵头，各有关部门配合）。"
        "建设系统（省财政厅牵头）。推进统计（２０２３年）。"
    )
    found = find_attributions(text, 0, len(text))
    assert len(found) == 2
    first, second = found
    assert text[first.start : first.end] == "（省大数据局牵头，各有关部门配合）"
    assert first.raw == "省大数据局牵头，各有关部门配合"
    assert (first.scope_start, first.scope_end) == (0, first.end)
    assert text[second.scope_start : second.scope_end] == "建设系统（省财政厅牵头）"
    assert [d.printed for d in second.lead] == ["省财政厅"]
    assert found[0].lead[0].canonical == "省大数据局"


def test_after_by_the_issuer_may_name_itself_by_its_last_character() -> None:
    text = "一、标准。相关标准规范由部另行制定。"
    (found,) = Tagger.for_document(text, "交通运输部").tag(0, len(text)).attributions
    assert [(d.printed, d.canonical, d.known) for d in found.responsible] == [("部", "交通运输部", True)]
    # an issuer of another ending (委) is no 部: the character stays as printed, unknown
    (found,) = Tagger.for_document(text, "国家发展改革委").tag(0, len(text)).attributions
    assert [(d.printed, d.canonical, d.known) for d in found.responsible] == [("部", "部", False)]


def test_canonical_names_attached() -> None:
    (found,) = find_attributions("（省发改委、省工信厅牵头）", 0, 13)
    assert [(d.printed, d.canonical) for d in found.lead] == [
        ("省发改委", "省发展改革委"),
        ("省工信厅", "省工业和信息化厅"),
    ]


def test_nested_bracket_inside_attribution() -> None:
    text = "内容（省发展改革委（省能源局）牵头）"
    (found,) = find_attributions(text, 0, len(text))
    assert [d.printed for d in found.lead] == ["省发展改革委（省能源局）"]


def test_unbalanced_bracket_does_not_hide_attributions() -> None:
    text = "内容（未闭合的说明。推进工作（省财政厅牵头）"
    (found,) = find_attributions(text, 0, len(text))
    assert [d.printed for d in found.lead] == ["省财政厅"]


def test_unbracketed_label_lines() -> None:
    text = "１．推进试点。开展工作。\n牵头单位：省发展改革委\n配合单位：省财政厅、省有关部门\n"
    (found,) = find_attributions(text, 0, len(text))
    assert found.raw == "牵头单位：省发展改革委\n配合单位：省财政厅、省有关部门"
    assert [d.printed for d in found.lead] == ["省发展改革委"]
    assert [d.printed for d in found.cooperate] == ["省财政厅"]
    assert found.generic == ("省有关部门",)
    text = "１．推进试点。\n牵头单位：省发展改革委\n责任单位：省财政厅\n"
    (found,) = find_attributions(text, 0, len(text))
    assert [d.printed for d in found.cooperate] == ["省财政厅"]


def test_label_run_after_the_sentence_on_its_line() -> None:
    text = "１．推进试点。开展工作。牵头单位：省发展改革委；配合单位：省财政厅。\n２．完善政策。\n"
    (found,) = find_attributions(text, 0, len(text))
    assert found.raw == "牵头单位：省发展改革委；配合单位：省财政厅。"
    assert [d.printed for d in found.lead] == ["省发展改革委"]
    assert [d.printed for d in found.cooperate] == ["省财政厅"]


@pytest.mark.parametrize(
    "text", ["１．推进试点。【牵头单位：省发展改革委】", "１．推进试点。[牵头单位：省发展改革委]"]
)
def test_square_brackets_carry_attributions(text: str) -> None:
    (found,) = find_attributions(text, 0, len(text))
    assert (found.raw, [d.printed for d in found.lead]) == ("牵头单位：省发展改革委", ["省发展改革委"])


def test_label_line_in_a_sentence_is_not_an_attribution() -> None:
    text = "１．推进试点。\n责任单位：要落实好各项任务，确保取得实效。\n"
    assert find_attributions(text, 0, len(text)) == ()


def test_levels_of_government_stay_one_generic_name() -> None:
    assert roles("省财政厅牵头，各市、县（市、区）政府落实") == r(
        ["省财政厅"], generic=["各市、县（市、区）政府"]
    )
    assert states_first_listed_lead("以下各项任务中，排在第一位的单位为牵头单位")


@pytest.mark.parametrize(
    ("inner", "expected"),
    [
        ("负责部门：省科技厅、省教育厅；适用范围：全省", r(responsible=["省科技厅", "省教育厅"])),
        ("分值10分，牵头考核单位：市大数据局", r(["市大数据局"])),
        ("省工信厅牵头，省财政厅按职责分工配合", r(["省工信厅"], ["省财政厅"])),
        ("责任处室：规划处、信息中心", r(responsible=["规划处", "信息中心"])),
        ("济南海关牵头，省商务厅配合", r(["济南海关"], ["省商务厅"])),
        ("交通运输部综合规划司牵头，科技司配合", r(["交通运输部综合规划司"], ["科技司"])),
        (
            "主责单位：市工作专班；协办单位：山东大学、中国电信青岛分公司",
            r(["市工作专班"], ["山东大学", "中国电信青岛分公司"]),
        ),
        # a label then a copula; a note marking one listed unit as the lead
        ("责任单位为省科技厅、省教育厅", r(responsible=["省科技厅", "省教育厅"])),
        ("责任单位：省发展改革委（牵头）、省财政厅", r(["省发展改革委"], ["省财政厅"])),
        ("责任单位：省发展改革委〔牵头〕、省财政厅", r(["省发展改革委"], ["省财政厅"])),
        ("省发展改革委（省能源局）牵头", r(["省发展改革委（省能源局）"])),
    ],
)
def test_open_label_and_unit_vocabulary(inner: str, expected: dict[str, list[str]]) -> None:
    assert roles(inner) == expected


def test_deadline_label_in_a_bracket() -> None:
    text = "１．建设平台。（牵头单位：省大数据局；完成时限：2024年底前）"
    (found,) = find_attributions(text, 0, len(text))
    assert (found.deadline, [d.printed for d in found.lead]) == ("2024年底前", ["省大数据局"])


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("１．建设平台。（责任单位：济南海关、团市委，2024年12月底前）", "2024年12月底前"),
        ("１．建设平台。（济南海关牵头，团市委配合；2025年底前完成）", "2025年底前完成"),
    ],
)
def test_unlabelled_deadline_closing_a_bracket(text: str, deadline: str) -> None:
    (found,) = find_attributions(text, 0, len(text))
    units = [d.printed for d in (*found.lead, *found.cooperate, *found.responsible)]
    assert (found.deadline, units) == (deadline, ["济南海关", "团市委"])


@pytest.mark.parametrize(
    "text",
    [
        "１．推进试点。\n★牵头单位：济南海关\n★配合单位：团市委\n",  # a bullet before each label
        "１．推进试点。\n【牵头单位】济南海关\n【配合单位】团市委\n",  # the label in brackets, no colon
        "１．推进试点，牵头单位为济南海关，配合单位为团市委。\n",  # after the part of a sentence
        "１．推进试点。\n牵头：济南海关\n配合：团市委\n",  # a role stem alone as the label
        # a person's line among the labels names no unit; the units' lines still make one carrier
        "１．推进试点。\n分管领导：张三\n牵头单位：济南海关\n责任单位：团市委\n",
        "１．推进试点。\n部门分工：济南海关牵头，团市委配合。\n",  # the division as a whole
    ],
)
def test_label_line_forms(text: str) -> None:
    (found,) = find_attributions(text, 0, len(text))
    roles = ([d.printed for d in found.lead], [d.printed for d in found.cooperate])
    assert roles == (["济南海关"], ["团市委"])


def test_a_role_note_in_a_bare_list_marks_that_unit() -> None:
    text = "１．推进项目。（济南海关（牵头）、团市委）"
    (found,) = find_attributions(text, 0, len(text))
    roles = ([d.printed for d in found.lead], [d.printed for d in found.cooperate], found.responsible)
    assert roles == (["济南海关"], ["团市委"], ())


def test_bare_trailing_list_of_units() -> None:
    text = "３．完善数据目录。（信息中心、规划处、各区县）"
    (found,) = find_attributions(text, 0, len(text))
    assert ([d.printed for d in found.responsible], found.generic) == (["信息中心", "规划处"], ("各区县",))
    note = "报送国家发展改革委（产业发展司）。"  # a bracket naming the office of the unit before it
    assert find_attributions(note, 0, len(note)) == ()
    gloss = "一、稳就业类\n脉脉（北京市淘天下科技有限公司）\n脉脉企业号；\n"  # a product and its maker
    assert find_attributions(gloss, 0, len(gloss)) == ()
    item = "一、稳就业类\n完善数据目录（信息中心、规划处）\n"  # a line that is a task, not a name
    assert [d.printed for d in find_attributions(item, 0, len(item))[0].responsible] == ["信息中心", "规划处"]
    slashed = "３．完善数据目录。（信息中心/规划处）"  # names apart by a slash, as typed into a cell
    (found,) = find_attributions(slashed, 0, len(slashed))
    assert [d.printed for d in found.responsible] == ["信息中心", "规划处"]


def test_each_sentence_keeps_its_own_attribution() -> None:
    text = "１．推进。建设平台（省大数据局牵头）。由省财政厅牵头，省大数据局配合，保障资金。"
    first, second = find_attributions(text, 0, len(text))
    assert ([d.printed for d in first.lead], first.carrier) == (["省大数据局"], "bracket")
    assert ([d.printed for d in second.lead], [d.printed for d in second.cooperate]) == (
        ["省财政厅"],
        ["省大数据局"],
    )
    assert text[second.scope_start : second.scope_end] == "由省财政厅牵头，省大数据局配合，保障资金。"


def test_unreadable_carrier_is_kept_for_review() -> None:
    tagged = find_tagged("２．推进。加强协同（各牵头，相关配合）。", 0, 19)
    assert tagged.attributions == ()
    assert [u.raw for u in tagged.unparsed] == ["各牵头，相关配合"]


def test_a_unit_named_in_a_carrier_is_a_clear_subject_of_the_same_document() -> None:
    carrier = "１．完善目录。（责任处室：规划处）\n"
    prose = "２．编制规划。规划处负责编制年度规划。\n"
    text = carrier + prose
    (found,) = Tagger.for_document(text).tag(len(carrier), len(text)).attributions
    assert [d.printed for d in found.responsible] == ["规划处"]
    # without the carrier, a name of no level or place is no sentence's subject
    assert Tagger.for_document(prose).tag(0, len(prose)).attributions == ()
