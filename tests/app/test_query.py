"""Question understanding: scaffolding, intent, departments, bad input — pure, no index needed."""

from __future__ import annotations

import pytest
from stored_docs import Doc, Meta

from app.query import (
    MAX_QUESTION_CHARS,
    Lexicon,
    QuestionError,
    abbreviates,
    check_question,
    parse_question,
    strip_scaffolding,
)
from app.scopes import Scopes
from ingest.departments import known_departments

# The printed forms a store could add on top of the alias table.
STORE_NAMES = {"省发展改革委": {"省发改委"}, "潍坊市数据局": {"潍坊数据局"}}


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.build(known_departments(), STORE_NAMES)


@pytest.mark.parametrize(
    ("question", "intent", "content"),
    [
        ("５G和千兆光网建设由哪些部门牵头？", "lead", "5G和千兆光网建设"),
        ("万项技改万企转型由哪个部门负责？", "lead", "万项技改万企转型"),
        ("雁阵形产业集群培育谁牵头？", "lead", "雁阵形产业集群培育"),
        ("碳金融发展三年行动由谁负责？", "lead", "碳金融发展三年行动"),
        ("蓝色海湾整治行动的牵头部门", "lead", "蓝色海湾整治行动"),
        ("蓝色海湾整治行动的牵头单位是哪个？", "lead", "蓝色海湾整治行动"),
        ("民营龙头企业培育库由哪些部门建立？", "lead", "民营龙头企业培育库"),
        ("百展计划展会资金支持归哪个部门？", "lead", "百展计划展会资金支持"),
        ("上市公司孵化聚集区试点需要哪些单位配合？", "cooperate", "上市公司孵化聚集区试点"),
        ("薄弱县对口帮扶小组哪些部门配合？", "cooperate", "薄弱县对口帮扶小组"),
        ("找投资商来县里投资办厂，谁牵头？", "lead", "找投资商来县里投资办厂"),
        ("中小企业特色产业集群的目标是多少？", "target", "中小企业特色产业集群"),
        ("碳金融发展是哪个部门牵头的", "lead", "碳金融发展"),
        ("碳金融发展主要负责部门是哪个", "lead", "碳金融发展"),
        ("哪个部门负责碳金融发展？", "lead", "碳金融发展"),
        ("到2025年要达到多少", "target", "到2025年"),
        ("园区飞地税收分享", "search", "园区飞地税收分享"),
    ],
)
def test_intent_and_content(lexicon: Lexicon, question: str, intent: str, content: str) -> None:
    query = parse_question(question, lexicon)
    assert (query.intent, query.content) == (intent, content)


@pytest.mark.parametrize(
    ("question", "canonical", "roles"),
    [
        ("省商务厅牵头哪些任务？", "省商务厅", ("lead",)),
        ("省科技厅负责什么？", "省科技厅", ("lead", "responsible")),
        ("省发改委配合了哪些工作？", "省发展改革委", ("cooperate",)),
        ("省发展和改革委员会有哪些任务", "省发展改革委", ("lead", "cooperate", "responsible")),
        ("哪些工作由省商务厅牵头？", "省商务厅", ("lead",)),
        ("省市场监管局有哪些任务", "省市场监管局", ("lead", "cooperate", "responsible")),
        # a unit and its work, no question word; a role word between them
        ("省商务厅的任务", "省商务厅", ("lead", "cooperate", "responsible")),
        ("省商务厅分工", "省商务厅", ("lead", "cooperate", "responsible")),
        ("跟省商务厅有关的任务", "省商务厅", ("lead", "cooperate", "responsible")),
        ("省商务厅的配合任务", "省商务厅", ("cooperate",)),
        ("列出省商务厅的全部任务", "省商务厅", ("lead", "cooperate", "responsible")),
        # 在 after the unit: the document that follows is where to look, the unit is no issuer
        ("省商务厅在方案中承担什么职责？", "省商务厅", ("lead", "responsible")),
    ],
)
def test_department_as_subject(lexicon: Lexicon, question: str, canonical: str, roles: tuple) -> None:
    query = parse_question(question, lexicon)
    assert query.intent == "dept"
    assert [d.canonical for d in query.departments] == [canonical]
    assert query.roles == roles


def test_department_in_a_which_unit_question_is_context_not_subject(lexicon: Lexicon) -> None:
    query = parse_question("省发展改革委牵头的园区建设由哪些部门配合？", lexicon)
    assert query.intent == "cooperate"
    assert [d.canonical for d in query.departments] == ["省发展改革委"]


def test_longest_alias_wins(lexicon: Lexicon) -> None:
    found = lexicon.find("省人力资源社会保障厅负责什么")
    assert [(d.printed, d.canonical) for d in found] == [("省人力资源社会保障厅", "省人力资源社会保障厅")]


def test_store_printed_forms_resolve(lexicon: Lexicon) -> None:
    assert [d.canonical for d in lexicon.find("潍坊数据局配合哪些工作")] == ["潍坊市数据局"]


def test_target_year(lexicon: Lexicon) -> None:
    assert parse_question("到２０２５年要完成什么？", lexicon).year == 2025
    assert parse_question("产业集群目标是多少", lexicon).year is None


@pytest.mark.parametrize("question", ["", "   ", "\n\t"])
def test_empty_question_is_refused(question: str) -> None:
    with pytest.raises(QuestionError, match="empty"):
        check_question(question)


def test_long_question_is_refused_with_the_limit() -> None:
    with pytest.raises(QuestionError, match=f"limit is {MAX_QUESTION_CHARS}"):
        check_question("县" * 10_000)
    assert check_question("县" * MAX_QUESTION_CHARS) == "县" * MAX_QUESTION_CHARS


@pytest.mark.parametrize("question", ["Who leads the 5G rollout?", "'; DROP TABLE clauses; --", ".*(["])
def test_text_without_chinese_is_refused(question: str) -> None:
    with pytest.raises(QuestionError, match="the question has no Chinese text"):
        check_question(question)


@pytest.mark.parametrize(
    ("question", "content"),
    [
        ("园区'; DROP TABLE clauses; --", "园区 DROP TABLE clauses"),
        ("园区.*(由谁[牵头", "园区 牵头"),
        ('园区"5G" OR 1=1 %', "园区 5G OR 1=1"),
    ],
)
def test_sql_and_regex_text_is_plain_text(lexicon: Lexicon, question: str, content: str) -> None:
    assert parse_question(question, lexicon).content == content


def test_strip_scaffolding_keeps_content_words() -> None:
    question = "请问工厂里的机器联网上云，相关平台谁牵头建设？"
    assert strip_scaffolding(question) == "工厂里的机器联网上云 相关平台"


@pytest.mark.parametrize(
    ("question", "intent", "roles"),
    [
        ("省科技厅作为牵头部门承担哪些工作？", "dept", ("lead", "responsible")),
        ("省商务厅和省财政厅共同牵头的任务有哪些？", "dept", ("lead",)),
        ("蓝色海湾整治行动的牵头部门", "lead", ("lead", "responsible")),
        ("商务厅配合哪些任务？", "dept", ("cooperate",)),
        ("省商务厅配合了哪些重点任务？", "dept", ("cooperate",)),  # a qualified task noun
        ("省商务厅牵头哪些？", "dept", ("lead",)),  # nothing after 哪些: the unit's work
        # 哪些 + a noun that is no task: the question asks what a clause says, with its department
        ("省商务厅要加快推动冷链物流哪些方面的标准制定？", "search", ()),
        # a role noun built as the documents build labels (a role stem, a unit noun), ending in 是
        ("蓝色海湾整治行动的主责部门是？", "lead", ("lead", "responsible")),
        ("蓝色海湾整治行动的协办单位是谁", "cooperate", ("cooperate",)),
        # 支持 names the cooperating role only as a label's stem; as a verb it is the task
        ("蓝色海湾整治行动有哪些支持单位？", "cooperate", ("cooperate",)),
        ("支持中小企业发展由谁牵头？", "lead", ("lead", "responsible")),
        # the unit's work by the role it has there: a role noun after the unit and 哪些任务
        ("省商务厅在哪些任务中是配合单位？", "dept", ("cooperate",)),
        ("省商务厅作为配合单位的任务", "dept", ("cooperate",)),
        # the role verb first and the unit noun last; a modal between the question word and the verb
        ("配合冷链物流建设的单位有哪些？", "cooperate", ("cooperate",)),
        ("负责冷链物流建设的部门是哪个？", "lead", ("lead", "responsible")),
        ("冷链物流建设哪些单位要协助？", "cooperate", ("cooperate",)),
        # an office as the unit noun; 归口 names who answers for a task; tails of a role noun
        ("冷链物流建设由哪个处室负责？", "lead", ("lead", "responsible")),
        ("冷链物流建设的归口管理部门是？", "lead", ("lead", "responsible")),
        ("冷链物流建设的参与单位都有哪些？", "cooperate", ("cooperate",)),
        ("冷链物流建设的配合部门包括哪些？", "cooperate", ("cooperate",)),
    ],
)
def test_role_words_and_role_nouns(lexicon: Lexicon, question: str, intent: str, roles: tuple) -> None:
    query = parse_question(question, lexicon)
    assert (query.intent, query.roles) == (intent, roles)


def test_several_departments_and_how_they_combine(lexicon: Lexicon) -> None:
    both = parse_question("省商务厅和省财政厅共同牵头的任务有哪些？", lexicon)
    assert ([d.canonical for d in both.departments], both.combine) == (["省商务厅", "省财政厅"], "and")
    either = parse_question("省教育厅或省科技厅牵头的工作", lexicon)
    assert ([d.canonical for d in either.departments], either.combine) == (["省教育厅", "省科技厅"], "or")


def test_names_without_their_level_prefix(lexicon: Lexicon) -> None:
    assert [d.canonical for d in lexicon.find("商务厅配合哪些任务")] == ["省商务厅"]


def test_a_short_name_several_units_share_goes_to_the_one_the_library_holds() -> None:
    # the alias table knows 省委组织部 and 市委组织部; a library of city documents names the second
    stored = {"市委组织部": {"市委组织部"}}
    assert Lexicon.build(known_departments()).find("组织部牵头哪些任务") == ()
    held = Lexicon.build(known_departments(), stored, stored=stored)
    assert [d.canonical for d in held.find("组织部牵头哪些任务")] == ["市委组织部"]


def test_abbreviated_names_resolve_when_one_department_fits() -> None:
    names = ["省经济和信息化厅", "省发展和改革委员会", "省交通运输厅", "省交通建设厅"]
    lexicon = Lexicon.build({name: set() for name in names})
    found = lexicon.find("省经信厅和省发改委共同负责哪些任务")
    assert [(d.printed, d.canonical) for d in found] == [
        ("省经信厅", "省经济和信息化厅"),
        ("省发改委", "省发展和改革委员会"),
    ]
    assert lexicon.find("省交通厅负责什么") == ()  # two departments fit: neither is guessed


def test_a_place_printed_as_a_department_stays_a_place_in_questions() -> None:
    lexicon = Lexicon.build({"济南": {"济南"}, "市科技局": set()})  # 济南和青岛两市要… in a store
    assert [d.canonical for d in lexicon.find("济南的政策里市科技局牵头哪些")] == ["市科技局"]


@pytest.mark.parametrize(
    ("short", "name", "expected"),
    [
        ("省经信厅", "省经济和信息化厅", True),
        ("发改委", "发展改革委", True),
        ("省工信厅", "省工业和信息化厅", True),
        ("省经信厅", "省工业和信息化厅", False),  # another first word
        ("市政府", "市政府办公厅", False),  # 府 is no shortening of 办公厅
        ("省数据局", "省大数据局", False),  # the first word's first character is missing
    ],
)
def test_abbreviates(short: str, name: str, expected: bool) -> None:
    assert abbreviates(short, name) is expected


def test_a_year_in_the_named_title_is_no_deadline(lexicon: Lexicon) -> None:
    scopes = Scopes.of([Doc("sd19", Meta("数字山东2019行动方案", "山东省人民政府办公厅"))])
    query = parse_question("数字山东2019年政务服务网上可办率要达到多少？", lexicon, scopes=scopes)
    assert (query.intent, query.year, query.content, query.scope) == (
        "target",
        None,
        "政务服务网上可办率",
        frozenset({"sd19"}),
    )


def test_place_or_issuer_scopes_the_documents(lexicon: Lexicon) -> None:
    scopes = Scopes({"青岛": frozenset({"qd-plan"}), "国务院": frozenset({"gov-a", "gov-b"})}, {}, {})
    query = parse_question("青岛的智算中心谁负责？", lexicon, scopes=scopes)
    assert query.scope == frozenset({"qd-plan"})
    assert parse_question("智算中心谁负责？", lexicon, scopes=scopes).scope is None


def test_these_documents_name_no_document_by_its_title(lexicon: Lexicon) -> None:
    title = "关于全面推行行政规范性文件合法性审核机制的指导意见"
    scopes = Scopes.of([Doc("rule", Meta(title, "国务院办公厅"))])
    query = parse_question("省商务厅在这些文件中牵头哪些工作？", lexicon, scopes=scopes)
    assert (query.intent, query.scope) == ("dept", None)
    assert parse_question("规范性文件合法性审核指导意见中，哪些部门负责？", lexicon, scopes=scopes).scope == (
        frozenset({"rule"})
    )


@pytest.mark.parametrize(
    ("question", "year", "topic", "listing"),
    [
        ("到2025年的目标有哪些？", 2025, "", True),
        ("2024年底前要完成哪些目标", 2024, "", True),
        ("算力中心建设到2025年的目标是什么？", 2025, "算力中心建设", False),
        ("到2025年底前有哪些指标？", 2025, "", True),
        # with a year, 完成 asks for the year's dated work: the list, whatever noun names it
        ("哪些任务要在2024年底前完成？", 2024, "", True),
        ("2024年要实现什么？", 2024, "", False),
        ("有哪些到2025年的量化目标？", 2025, "", True),
    ],
)
def test_target_questions(lexicon: Lexicon, question: str, year: int, topic: str, listing: bool) -> None:
    query = parse_question(question, lexicon)
    assert (query.intent, query.year, query.topic, query.listing) == ("target", year, topic, listing)


def test_completion_without_a_year_is_no_target_question(lexicon: Lexicon) -> None:
    assert parse_question("新型基础设施建设如何完成？", lexicon).intent == "search"


def test_a_unit_that_issued_the_document_asked_about_is_no_department(lexicon: Lexicon) -> None:
    query = parse_question("国务院促进就业的意见对返乡创业有什么扶持？", lexicon)
    assert (query.intent, query.departments) == ("search", ())
    query = parse_question("国办推广改革举措的通知里，科技部负责哪些事项？", lexicon)
    assert (query.intent, [d.canonical for d in query.departments]) == ("dept", ["科技部"])


def test_short_names_staff_use_for_a_stored_unit() -> None:
    stored = {name: {name} for name in ("国家发展改革委", "中央网信办", "交通运输部综合规划司", "国家数据局")}
    lexicon = Lexicon.build(stored, stored=stored)
    found = {
        q: [d.canonical for d in parse_question(q, lexicon).departments]
        for q in (
            "网信办牵头的任务",  # the level 中央 dropped
            "数据局负责哪些工作",  # 国家 dropped
            "综合规划司负责哪些工作",  # an office without the ministry it belongs to
        )
    }
    assert found == {
        "网信办牵头的任务": ["中央网信办"],
        "数据局负责哪些工作": ["国家数据局"],
        "综合规划司负责哪些工作": ["交通运输部综合规划司"],
    }
