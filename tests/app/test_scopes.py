"""Place and issuer words of the stored documents."""

from __future__ import annotations

from stored_docs import Doc, Meta

from app.scopes import Scopes, document_words


def test_words_of_a_document() -> None:
    words = document_words("青岛市人工智能产业创新发展行动计划", "青岛市人民政府")
    assert words == {"青岛市人民政府", "青岛市", "青岛"}
    assert document_words("关于做好促进就业工作的若干意见", "国务院") == {"国务院"}


def test_scopes_map_words_to_documents() -> None:
    docs = [
        Doc("qd", Meta("青岛市人工智能产业创新发展行动计划", "青岛市人民政府")),
        Doc("gov", Meta("国务院关于促进就业的若干意见", "国务院")),
        Doc("jt", Meta("交通运输部关于推进智慧交通的意见", "交通运输部、国家铁路局")),
    ]
    scopes = Scopes.of(docs)
    assert scopes.documents_for("青岛的智算中心谁负责") == frozenset({"qd"})
    assert scopes.documents_for("国务院的文件里谁负责就业") == frozenset({"gov"})
    assert scopes.documents_for("国家铁路局配合哪些工作") == frozenset({"jt"})
    assert scopes.documents_for("算力调度谁负责") is None


def test_a_question_names_a_document_by_part_of_its_title() -> None:
    docs = [
        Doc("sd", Meta("山东省推动工业大数据发展实施方案（2020—2022年）", "山东省人民政府办公厅")),
        Doc("sd19", Meta("数字山东2019行动方案", "山东省人民政府办公厅")),
        Doc("qd", Meta("青岛市人工智能产业创新发展行动计划", "青岛市人民政府")),
    ]
    scopes = Scopes.of(docs)
    assert scopes.documents_for("山东工业大数据实施方案中，负责哪些工作") == frozenset({"sd"})
    assert scopes.documents_for("数字山东2019行动方案中，牵头了哪些工作") == frozenset({"sd19"})
    assert scopes.documents_for("山东工业大数据实施方案中，负责哪些工作") == frozenset({"sd"})


def test_where_the_naming_words_end() -> None:
    docs = [
        Doc("sd19", Meta("数字山东2019行动方案", "山东省人民政府办公厅")),
        Doc("qd", Meta("青岛市人工智能产业创新发展行动计划", "青岛市人民政府")),
        Doc("gov", Meta("国务院关于促进就业的若干意见", "国务院")),
    ]
    scopes = Scopes.of(docs)
    # marked: the words before 中， name the document and the mark goes with them
    assert scopes.naming_end("促进就业若干意见中，返乡创业有哪些扶持") == len("促进就业若干意见中，")
    # unmarked, opening the question: most of a title is enough, a year's 年 goes with its number
    assert scopes.naming_end("数字山东2019年政务服务网上可办率要达到多少") == len("数字山东2019年")
    assert scopes.naming_end("青岛人工智能产业创新行动计划到2026年要达到什么目标") == len(
        "青岛人工智能产业创新行动计划"
    )
    # no title named: nothing to cut
    assert scopes.naming_end("智算中心由哪个部门牵头") == 0


def test_a_place_decides_between_documents_of_alike_titles() -> None:
    title = "推动智能建造与建筑工业化协同发展"
    docs = [
        Doc("national", Meta(f"关于{title}的指导意见", "住房和城乡建设部")),
        Doc("jinan", Meta(f"济南市住房和城乡建设局关于{title}的实施意见", "济南市住房和城乡建设局")),
        Doc("qd", Meta("青岛市人工智能产业创新发展行动计划", "青岛市人民政府")),
    ]
    scopes = Scopes.of(docs)
    assert scopes.documents_for(f"济南{title}到2025年底要达到什么目标") == frozenset({"jinan"})
    assert scopes.documents_for(f"{title}到2025年底要达到什么目标") == frozenset({"national", "jinan"})


def test_a_question_names_a_document_by_its_title_and_then_a_part_of_it() -> None:
    docs = [
        Doc("plan", Meta("某市推进数字经济高质量发展三年行动方案（2024－2026年）", "某市人民政府")),
        Doc("sd19", Meta("数字山东2019行动方案", "山东省人民政府办公厅")),
    ]
    scopes = Scopes.of(docs)
    asked = "数字经济三年行动方案的重点任务分工表里，建设算力基础设施的牵头单位是哪个？"
    assert scopes.documents_for(asked) == frozenset({"plan"})
    assert scopes.naming_end(asked) == asked.index("，") + 1


def test_a_title_quoted_in_full_names_its_document_alone() -> None:
    docs = [
        Doc("access", Meta("国家智慧教育公共服务平台接入管理规范（试行）", "教育部办公厅")),
        Doc("rules", Meta("国家智慧教育公共服务平台接入管理办法规范", "教育部办公厅")),  # all but 理规
    ]
    scopes = Scopes.of(docs)
    asked = "国家智慧教育公共服务平台接入管理规范中，教育部网信办负责哪些工作？"
    assert scopes.documents_for(asked) == frozenset({"access"})
