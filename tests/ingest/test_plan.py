"""The gate: the 2023 Shandong county-economy plan against tests/fixtures/seed_clauses.json."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from ingest.model import Clause, ParsedDocument
from ingest.pipeline import parse_file

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "corpus" / "shandong_2023_county_economy_plan_PDFTEXT.txt"
SEED = json.loads((ROOT / "tests" / "fixtures" / "seed_clauses.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def plan() -> ParsedDocument:
    if not PLAN.exists():
        pytest.skip(f"{PLAN} is not in this checkout")
    return parse_file(PLAN)


def children(doc: ParsedDocument, parent: Clause | None) -> list[Clause]:
    index = parent.index if parent else None
    return [c for c in doc.clauses if c.parent == index]


def test_four_parts() -> None:
    parts = children(plan(), None)
    assert [c.number for c in parts] == ["一、", "二、", "三、", "四、"]
    assert [c.heading for c in parts] == ["主要目标", "重点任务", "重要举措", "组织保障"]


def test_part_two_and_four_items() -> None:
    _, two, _, four = children(plan(), None)
    assert len(children(plan(), two)) == 5
    assert len(children(plan(), four)) == 3


def test_part_three_groups() -> None:
    three = children(plan(), None)[2]
    groups = children(plan(), three)
    assert [len(children(plan(), g)) for g in groups] == [6, 4, 3, 4, 3, 5, 5]
    assert groups[0].heading == "实施产业升级优势再造工程"
    item = children(plan(), groups[0])[5]
    assert item.path == "三、（一）６．" and item.heading == "建设新型基础设施"


def test_attributed_clause_count() -> None:
    attributed = [c for c in plan().clauses if c.attributions]
    assert len(attributed) == len(SEED) == 35
    assert sum(len(c.attributions) for c in plan().clauses) == 35


@pytest.mark.parametrize("key", sorted(SEED))
def test_seed_clause(key: str) -> None:
    expected = SEED[key]
    (clause,) = [c for c in plan().clauses if c.heading == expected["heading"]]
    assert [d.printed for d in clause.departments("lead")] == expected["lead"]
    assert [d.printed for d in clause.departments("cooperate")] == expected["cooperate"]
    assert clause.departments("responsible") == ()


def test_generic_cooperation_is_not_a_department() -> None:
    (clause,) = [c for c in plan().clauses if c.heading == "实施薄弱县跨越计划"]
    assert clause.generic == ("有关部门",)
    (clause,) = [c for c in plan().clauses if c.heading == "实施经济强县领跑计划"]
    assert clause.generic == ("省有关部门",)


def test_targets_of_the_plan() -> None:
    (clause,) = [c for c in plan().clauses if c.heading == "推动服务业转型升级"]
    first = clause.targets[0]
    assert (first.timeframe, first.metric, first.value, first.number, first.unit) == (
        "到2025年",
        "省级现代服务业集聚区",
        "１２０",
        120.0,
        "家",
    )


PLAN_TARGETS = {
    "一、": [
        ("地区生产总值１０００亿元以上的县（市、区）", "３０", "个", "达到", "到2025年"),
        ("地区生产总值７００亿元以上的县（市、区）", "５０", "个", "达到", "到2025年"),
    ],
    "三、（一）１．": [
        ("省级及以上战略性新兴产业集群", "５０", "个", "左右", "到2025年"),
        ("省级“雁阵形”产业集群", "２００", "个", "左右", "到2025年"),
        ("先进制造业集群", "２０", "个", "左右", "到2025年"),
        ("中小企业特色产业集群", "１５０", "个", "左右", "到2025年"),
        ("县域", "９０", "％", "以上", "到2025年"),
        ("产值百亿元以上、具有较强竞争优势的产业集群", "１－２", "个", "", "到2025年"),
    ],
    "三、（一）２．": [
        ("技改投资增长", "６", "％", "以上", "年均"),
        ("占工业投资比重", "５０", "％", "以上", ""),
        ("投资５００万元以上技改项目", "１", "万个", "左右", "年均"),
        ("规模以上工业企业关键业务环节全面数字化率", "７０", "％", "超过", ""),
    ],
    "三、（一）３．": [("产业生态主导型链主企业", "２００", "家", "左右", "")],
    "三、（一）４．": [],
    "三、（一）５．": [
        ("省级现代服务业集聚区", "１２０", "家", "达", "到2025年"),
        ("服务业创新中心", "２００", "家", "达", "到2025年"),
    ],
    "三、（一）６．": [
        ("省级工业互联网平台", "３００", "个", "以上", ""),
        ("整县分布式光伏规模化开发容量", "２０００", "万千瓦", "以上", "到2025年"),
    ],
}


@pytest.mark.parametrize("path", PLAN_TARGETS)
def test_full_target_lists_of_the_plan(path: str) -> None:
    (clause,) = [c for c in plan().clauses if c.path == path]
    found = [(t.metric, t.value, t.unit, t.qualifier, t.timeframe) for t in clause.targets]
    assert found == PLAN_TARGETS[path]


def test_descriptive_counts_of_the_plan_are_not_targets() -> None:
    for heading in ("实施经济强县领跑计划", "实施百县图强计划"):
        (clause,) = [c for c in plan().clauses if c.heading == heading]
        assert clause.targets == ()
