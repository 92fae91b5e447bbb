"""Composing answers from hand-made hits: which clause answers, what the answer says."""

from __future__ import annotations

import dataclasses

from app.answer import AnswerHit
from app.compose import compose_role_answer, compose_target_answer
from app.query import Lexicon, parse_question
from ingest.targets import find_targets

NO_LEXICON = Lexicon.build({})


def hit(heading: str, lead=(), cooperate=(), responsible=(), generic=()) -> AnswerHit:
    return AnswerHit(
        clause_id=hash(heading) % 1000, doc_id="d", doc_title="方案", doc_number="鲁政发〔2023〕1号",
        path="（一）", heading=heading, text=heading, content=heading, lead=tuple(lead),
        cooperate=tuple(cooperate), responsible=tuple(responsible), generic=tuple(generic), targets=(),
        page=1, citation=f"《方案》（鲁政发〔2023〕1号）（一）{heading}", score=0.1,
    )  # fmt: skip


def always(_: AnswerHit) -> bool:
    return True


def never(_: AnswerHit) -> bool:
    return False


def test_lead_comes_from_the_first_attributed_hit_which_is_cited_first() -> None:
    hits = [
        hit("重要举措"),
        hit("培育优势产业集群", lead=["省发改委", "省工业和信息化厅"]),
        hit("其他", lead=["省财政厅"]),
    ]
    answer = compose_role_answer(parse_question("产业集群谁牵头", NO_LEXICON), hits, 2, always)
    assert (answer.found, answer.lead) == (True, ("省发改委", "省工业和信息化厅"))
    assert [h.heading for h in answer.hits] == ["培育优势产业集群", "重要举措"]
    assert (
        answer.text
        == "牵头单位：省发改委、省工业和信息化厅。依据：《方案》（鲁政发〔2023〕1号）（一）培育优势产业集群"
    )


def test_responsible_only_clause_says_so() -> None:
    hits = [hit("冷链物流", responsible=["省商务厅"])]
    answer = compose_role_answer(parse_question("冷链物流谁牵头", NO_LEXICON), hits, 5, always)
    assert (answer.found, answer.lead, answer.responsible) == (True, (), ("省商务厅",))
    assert answer.text.startswith("该条款未区分牵头单位，由责任单位共同负责。责任单位：省商务厅。")


def test_cooperate_with_only_generic_units() -> None:
    hits = [hit("强县领跑", lead=["省发展改革委"], generic=["省有关部门"])]
    answer = compose_role_answer(parse_question("强县领跑哪些部门配合", NO_LEXICON), hits, 5, always)
    assert (answer.intent, answer.cooperate) == ("cooperate", ())
    assert answer.text.startswith("该条款未列明具体配合单位，只写“省有关部门”。牵头单位：省发展改革委。")


def test_no_evidence_means_not_found_but_hits_are_kept() -> None:
    hits = [hit("培育优势产业集群", lead=["省发改委"])]
    answer = compose_role_answer(parse_question("月球基地建设由哪个部门牵头？", NO_LEXICON), hits, 5, never)
    assert (answer.found, answer.lead) == (False, ())
    assert answer.text == "未找到与“月球基地建设”相关的条款。以下条款可能相关，请核对原文。"
    assert [h.heading for h in answer.hits] == ["培育优势产业集群"]


def test_relevant_clauses_without_units_are_not_an_answer() -> None:
    hits = [hit("设立专家评审组"), hit("道路测试主体")]
    answer = compose_role_answer(parse_question("道路测试由哪个部门负责", NO_LEXICON), hits, 5, always)
    assert (answer.found, answer.lead, len(answer.hits)) == (False, (), 2)
    assert (
        answer.text
        == "相关条款未写明牵头或责任单位，请核对原文：《方案》（鲁政发〔2023〕1号）（一）设立专家评审组"
    )


def test_other_documents_that_answer_are_listed_with_their_departments() -> None:
    first = hit("建设智算中心", lead=["市工业和信息化局"])
    same_doc = hit("算力调度", lead=["市大数据局"])
    other = dataclasses.replace(
        hit("统筹布局智算中心", responsible=["省大数据局"]), doc_id="e", citation="《乙》（二）"
    )
    answer = compose_role_answer(
        parse_question("智算中心谁牵头", NO_LEXICON), [first, same_doc, other], 5, always
    )
    assert answer.lead == ("市工业和信息化局",)  # the first-ranked clause answers at the top level
    assert [h.heading for h in answer.others] == ["统筹布局智算中心"]  # one clause per other document
    assert answer.text.endswith("另见《乙》（二），责任单位：省大数据局。")
    assert answer.to_json()["other_documents"][0]["responsible"] == ["省大数据局"]


def with_text(h: AnswerHit, text: str) -> AnswerHit:
    return dataclasses.replace(h, text=text, content=text, targets=find_targets(text, 0, len(text)))


def test_a_dated_goal_answers_a_year_question() -> None:
    goal = with_text(hit("工业数据汇聚"), "到2022年，全省高质量工业数据集实现泽（Z）级突破。")
    answer = compose_target_answer(
        parse_question("工业数据到2022年要达到什么目标", NO_LEXICON), [goal], 5, always
    )
    cited = "（《方案》（鲁政发〔2023〕1号）（一）工业数据汇聚）"
    assert answer.text == f"到2022年 全省高质量工业数据集实现泽（Z）级突破{cited}。"


def test_how_many_is_answered_by_a_clause_stating_a_quantity_even_without_a_target() -> None:
    report = with_text(hit("事故报告"), "主体应在事故责任认定后5个工作日内将事故分析报告报联席会议。")
    preamble = with_text(hit("依据"), "根据《实施办法》（人社厅发〔2021〕71号），制定本办法。")
    question = parse_question("事故分析报告多少天内报联席会议", NO_LEXICON)
    assert compose_target_answer(question, [report], 5, always).text.startswith("最相关的条款：")
    assert not compose_target_answer(question, [preamble], 5, always).found
