"""Question phrasings × intents: which ways of asking the question reader misreads.

    .venv/bin/python tests/app/question_probe.py [-v]

The question sets measure answers end to end; this measures question understanding alone, on the
ways staff ask the same four things (who leads a task, who cooperates on it, what a unit's work is,
what a year's targets are), written from how the issues and the development questions ask them and
varied as a stranger would. A phrasing counts as read when its intent (and, for a unit's work, the
unit) comes out as expected. Pure: no index, the alias table is the lexicon.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2])]

from app.query import Lexicon, Query, parse_question  # noqa: E402
from ingest.departments import known_departments  # noqa: E402

T = "县域特色产业集群培育"  # a task
D, D2 = "省商务厅", "省财政厅"  # units
LEAD = [
    "{t}由哪个部门牵头？",
    "谁牵头{t}？",
    "{t}的牵头单位是谁？",
    "牵头{t}的是哪个部门？",
    "{t}归哪个部门管？",
    "哪个部门负责{t}？",
    "{t}由谁负责？",
    "{t}谁来抓？",
    "负责{t}的部门是哪个？",
    "{t}的责任单位有哪些？",
    "{t}由哪些单位负责落实？",
    "{t}主要由谁来推进？",
    "{t}是谁牵头的？",
    "{t}牵头部门？",
    "{t}谁管？",
    "{t}由哪家单位主抓？",
    "请问{t}由哪个部门负责？",
    "{t}工作的责任部门是什么？",
    "哪些部门负责{t}？",
    "{t}的主管部门是哪个？",
    "{t}由什么部门负责？",
    "{t}具体由哪个部门负责？",
    "{t}的主责单位",
    "{t}的第一责任单位是？",
    "{t}的主要责任单位是哪个？",
    "{t}交给哪个部门办？",
    "{t}谁是牵头单位？",
    "{t}由哪个处室负责？",
    "{t}的归口管理部门是？",
    "{t}的责任主体是谁？",
    "哪个单位对{t}负总责？",
]
COOPERATE = [
    "{t}由哪些部门配合？",
    "哪些单位配合{t}？",
    "{t}的配合单位有哪些？",
    "参与{t}的部门有哪些？",
    "{t}需要哪些部门协助？",
    "{t}有哪些协办单位？",
    "谁配合{t}？",
    "配合{t}的单位有哪些？",
    "{t}的参与单位都有哪些？",
    "{t}的配合部门包括哪些？",
    "{t}有谁参与？",
    "{t}由谁协助？",
    "除了牵头单位，还有哪些部门参与{t}？",
    "{t}的协同配合单位",
    "{t}有哪些支持单位？",
    "{t}需要谁配合？",
]
WORK = [
    "{d}牵头哪些任务？",
    "{d}负责什么？",
    "{d}有哪些任务？",
    "{d}要做哪些工作？",
    "{d}配合哪些工作？",
    "{d}的职责有哪些？",
    "{d}承担哪些任务？",
    "{d}作为牵头部门承担哪些工作？",
    "{d}在哪些任务中是配合单位？",
    "{d}和{d2}共同牵头的任务有哪些？",
    "{d}牵头的任务清单",
    "{d}都管哪些事？",
    "涉及{d}的任务有哪些？",
    "{d}的任务",
    "{d}分工",
    "{d}在方案中承担什么职责？",
    "哪些任务由{d}牵头？",
    "{d}或{d2}牵头的任务",
    "{d}的配合任务",
    "跟{d}有关的任务",
    "{d}要干哪些活？",
    "{d}一共牵头多少项任务？",
    "{d}职责",
    "列出{d}的全部任务",
    "{d}承担了几项任务？",
    "{d}主抓哪些事？",
    "{d}负责哪几项？",
]
TARGETS = [
    "到2025年的目标有哪些？",
    "2025年要完成哪些任务？",
    "到2025年要达到多少家？",
    "{t}的目标是多少？",
    "有哪些量化指标？",
    "哪些任务要在2024年底前完成？",
    "2025年有哪些指标？",
    "2024年要实现什么？",
    "2025年前要建成哪些项目？",
    "目标任务有哪些？",
    "截至2025年要实现哪些指标？",
    "到2025年底要达到什么水平？",
]
FAMILIES: dict[str, tuple[list[str], Callable[[Query], bool]]] = {
    "lead": (LEAD, lambda q: q.intent == "lead"),
    "cooperate": (COOPERATE, lambda q: q.intent == "cooperate"),
    "work": (WORK, lambda q: q.intent == "dept" and bool(q.departments) and q.departments[0].canonical == D),
    "targets": (TARGETS, lambda q: q.intent == "target"),
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print every misread question")
    args = parser.parse_args()
    lexicon = Lexicon.build(known_departments())
    total = read = 0
    for name, (forms, expected) in FAMILIES.items():
        good = 0
        for form in forms:
            question = form.format(t=T, d=D, d2=D2)
            query = parse_question(question, lexicon)
            good += expected(query)
            if args.verbose and not expected(query):
                print(f"{name}: {question} -> {query.intent} {[d.canonical for d in query.departments]}")
        print(f"  {name:10s} {good:3d} / {len(forms)}")
        total, read = total + len(forms), read + good
    print(f"{read} of {total} phrasings read as asked")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
