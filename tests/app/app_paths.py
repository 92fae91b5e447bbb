"""Paths and small documents the app tests share (kept out of conftest.py: a test module that
imports from ``conftest`` gets whichever conftest was imported first when several folders' tests run
in one process)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PLAN = ROOT / "corpus" / "shandong_2023_county_economy_plan_PDFTEXT.txt"
SEED = ROOT / "tests" / "fixtures" / "seed_clauses.json"
SHARED_EVAL = ROOT.parent / "shared" / "eval"

# A small document in the plan's style: two attributed clauses, one responsible-only, one target.
SMALL_DOC = """关于推进测试园区建设的实施方案

一、重点任务

（一）建设智慧园区。推进园区数字化改造，到2025年，建成智慧园区１０个以上。（省工业和信息化厅牵头，省科技厅、省商务厅配合）

（二）发展冷链物流。培育冷链物流骨干企业，完善冷链物流网络。（省商务厅负责）

（三）加强组织保障。建立工作推进机制。
"""
