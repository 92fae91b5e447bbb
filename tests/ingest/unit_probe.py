"""Every attribution form with units of every shape: which (form, unit) pairs the tagger loses.

    .venv/bin/python tests/ingest/unit_probe.py [-v]

The gold measures documents as they come; this measures the mechanisms across the shapes a unit's
name takes (customs, a ministry's 司, a Party department, a company, a university, a 中心, a 专班, a
military command, a bare 处室 …) in each carrier form the role grammar reads. Each form puts two units
in a clause of a generated plan; a pair counts as read when both units come back with the form's
roles and nothing else does. It prints the failures per form and the units most often lost.
A form may expect no role for a unit it names as an object or a source (鼓励X, 经X同意后, X指导Y).
Expected losses: a unit of no level, place or system prefix (规划处, 信息中心) as the sole subject of a
sentence (prose takes only clearly named subjects), 街道办事处, which names a class of bodies, and a
unit of a weak ending (山东大学, 省大数据中心) as the subject of a verb that is no modal or role word
(X商Y…, X指导Y…): such a name may be a facility or a topic, not an actor.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[2])]

from ingest.pipeline import parse_bytes  # noqa: E402

UNITS = [
    "济南海关",
    "交通运输部综合规划司",
    "山东大学",
    "国网山东省电力公司",
    "市数字经济发展中心",
    "省委网信办",
    "市委组织部",
    "团市委",
    "市妇联",
    "省总工会",
    "市残联",
    "青岛市城市管理局",
    "市住房城乡建设局",
    "区行政审批服务局",
    "市政府办公厅",
    "国家税务总局山东省税务局",
    "人民银行济南分行",
    "山东银保监局",
    "省大数据中心",
    "市医保局",
    "省地方金融监管局",
    "市口岸办",
    "市双招双引工作专班",
    "省科学院",
    "中国科学院",
    "中国铁塔山东分公司",
    "省通信管理局",
    "国家统计局山东调查总队",
    "省消防救援总队",
    "武警山东省总队",
    "省军区",
    "济南铁路局",
    "省社科联",
    "市台办",
    "县融媒体中心",
    "市公共资源交易中心",
    "省农科院",
    "省机场集团",
    "市城投集团",
    "高新区管委会",
    "省司法厅",
    "市场监管总局",
    "国家发展改革委",
    "国家能源局",
    "中国气象局",
    "省气象局",
    "省邮政管理局",
    "省粮食和储备局",
    "市体育局",
    "民航山东监管局",
    "青岛海关",
    "省林业局",
    "省档案馆",
    "省委宣传部",
    "省委编办",
    "市委政法委",
    "市国资委",
    "市机关事务管理局",
    "市信访局",
    "省人防办",
    "市城管局",
    "市园林和林业绿化局",
    "规划处",
    "信息中心",
    "办公室",
    "财务处",
    "市委改革办",
    "区委社会工作部",
    "市政府研究室",
    "市数据局",
    "省委金融办",
    "市委网信办",
    "市科协",
    "省侨联",
    "市工商联",
    "市红十字会",
    "省慈善总会",
    "市税务局",
    "国家金融监督管理总局山东监管局",
    "中国证监会山东监管局",
    "国家外汇管理局山东省分局",
    "省药监局",
    "市退役军人局",
    "市应急局",
    "区城市更新中心",
    "市土地储备中心",
    "省水文中心",
    "市急救中心",
    "市疾控中心",
    "省人民医院",
    "市第一中学",
    "济南职业学院",
    "齐鲁工业大学",
    "山东省科学院",
    "中国电信济南分公司",
    "市文化和旅游局",
    "县乡村振兴局",
    "街道办事处",
    "镇人民政府",
    "市教育招生考试院",
    # national bodies of the State Council's task lists
    "共青团中央",
    "中央广播电视总台",
    "供销合作总社",
    "中国作协",
    "中国移动",
    "国家安全部",
    "全国台联",
    "国务院国资委",
    "中央网信办",
    "最高人民法院",
    "全国总工会",
    "海关总署",
    "中国残联",
    "新华社",
    "国家开发银行",
    "国家电网有限公司",
    "中国信息通信研究院",
    "国家自然科学基金委",
    "中国贸促会",
    "中央军委国防动员部",
]
RESPONSIBLE = ("responsible", "responsible")
LEAD_COOPERATE = ("lead", "cooperate")
FORMS = {  # name: (sentence with {a} and {b}, their roles)
    "bracket": ("推进重点项目。（{a}牵头，{b}配合）", LEAD_COOPERATE),
    "bracket_by_duty": ("推进重点项目。（{a}牵头，{b}按职责分工配合）", LEAD_COOPERATE),
    "label": ("推进重点项目。（牵头单位：{a}；配合单位：{b}）", LEAD_COOPERATE),
    "label_responsible": ("推进重点项目。（责任单位：{a}、{b}）", RESPONSIBLE),
    "label_with_scope": ("推进重点项目。（负责部门：{a}、{b}；适用范围：全市）", RESPONSIBLE),
    "label_offices": ("推进重点项目。（责任处室：{a}、{b}）", RESPONSIBLE),
    "label_main": ("推进重点项目。（主责单位：{a}；协办单位：{b}）", LEAD_COOPERATE),
    "bare_list": ("推进重点项目。（{a}、{b}）", RESPONSIBLE),
    "bare_list_note": ("推进重点项目。（{a}（牵头）、{b}）", LEAD_COOPERATE),
    "shared_duty": ("推进重点项目。（{a}、{b}按职责分工负责）", RESPONSIBLE),
    "responsible_joined": ("推进重点项目。（{a}负责，{b}参与）", ("responsible", "cooperate")),
    "by_lead": ("由{a}牵头，{b}配合，推进重点项目。", LEAD_COOPERATE),
    "together_with": ("{a}会同{b}推进重点项目。", LEAD_COOPERATE),
    "jointly": ("{a}联合{b}开展专项行动。", LEAD_COOPERATE),
    "request": ("请{a}、{b}做好重点项目推进工作。", RESPONSIBLE),
    "modal": ("{a}、{b}要加快推进重点项目。", RESPONSIBLE),
    "each_responsible": ("{a}负责推进重点项目建设，{b}负责做好保障。", RESPONSIBLE),
    "designated": ("推进重点项目。{a}为牵头单位，{b}为配合单位。", LEAD_COOPERATE),
    "lead_subject": ("{a}牵头，{b}等部门配合，推进重点项目。", LEAD_COOPERATE),
    "lead_with": ("由{a}牵头，会同{b}推进重点项目。", LEAD_COOPERATE),
    "lead_responsible": ("{a}牵头负责推进重点项目，{b}配合。", LEAD_COOPERATE),
    "modal_with": ("{a}要会同{b}加快推进重点项目。", LEAD_COOPERATE),
    "as_lead": ("{a}作为牵头单位，{b}作为配合单位，共同推进重点项目。", LEAD_COOPERATE),
    "overall": ("{a}负总责，{b}配合做好重点项目推进工作。", LEAD_COOPERATE),
    "co_lead": ("{a}和{b}共同牵头推进重点项目。", ("lead", "lead")),
    "lead_participate": ("{a}牵头，{b}参与，推进重点项目。", LEAD_COOPERATE),
    "by_responsible": ("由{a}负责，{b}予以配合。", ("responsible", "cooperate")),
    "attributive": ("建立由{a}牵头、{b}参加的联席会议制度。", LEAD_COOPERATE),
    "lead_then_duty": ("{a}牵头组织实施，{b}按照职责分工抓好落实。", LEAD_COOPERATE),
    "separately": ("{a}、{b}分别负责推进重点项目。", RESPONSIBLE),
    "bracket_with": ("推进重点项目。（{a}会同{b}负责）", LEAD_COOPERATE),
    "label_lines": ("推进重点项目。\n牵头单位：{a}\n配合单位：{b}", LEAD_COOPERATE),
    "label_lead_note": ("推进重点项目。（责任单位：{a}牵头，{b}配合）", LEAD_COOPERATE),
    "label_participate": ("推进重点项目。（牵头部门：{a}；参与部门：{b}）", LEAD_COOPERATE),
    "bracket_responsible_coop": ("推进重点项目。（{a}负责，{b}配合）", ("responsible", "cooperate")),
    "by_with_responsible": ("由{a}会同{b}负责推进重点项目。", LEAD_COOPERATE),
    "etc_responsible": ("{a}、{b}等部门负责推进重点项目。", RESPONSIBLE),
    "modal_lead": ("{a}要牵头建立工作机制，{b}要积极配合。", LEAD_COOPERATE),
    "duty_lead": ("{a}、{b}按职责分工牵头负责。", ("lead", "lead")),
    "with_co_lead": ("{a}与{b}共同牵头推进重点项目。", ("lead", "lead")),
    "each_lead": ("{a}和{b}分别牵头推进重点项目。", ("lead", "lead")),
    "jointly_responsible": ("由{a}、{b}共同负责推进重点项目。", RESPONSIBLE),
    "responsible_lead": ("{a}负责牵头推进重点项目，{b}参与。", LEAD_COOPERATE),
    "designated_resp": ("{a}为责任单位，{b}为配合单位。", ("responsible", "cooperate")),
    "lead_participants": ("由{a}牵头组织，{b}等部门参加。", LEAD_COOPERATE),
    "lead_report": ("{a}牵头制定实施方案，报国务院批准后实施，{b}配合。", LEAD_COOPERATE),
    "specific_lead": ("{a}具体牵头，{b}协助。", LEAD_COOPERATE),
    "lead_and_with": ("{a}牵头，会同{b}制定实施细则。", LEAD_COOPERATE),
    "time_first": ("2025年底前，由{a}牵头，{b}配合，完成重点项目。", LEAD_COOPERATE),
    "semicolon_labels": ("推进重点项目。牵头单位：{a}。配合单位：{b}。", LEAD_COOPERATE),
    "bracket_resp_then_lead": ("推进重点项目（{a}牵头负责，{b}配合）。", LEAD_COOPERATE),
    "bracket_by_lead": ("推进重点项目（由{a}牵头，{b}配合）。", LEAD_COOPERATE),
    "bracket_half": ("推进重点项目(牵头单位:{a};配合单位:{b})", LEAD_COOPERATE),
    "responsible_comma": ("推进重点项目。（责任单位：{a}，{b}）", RESPONSIBLE),
    "lead_space": ("推进重点项目。（牵头单位：{a}  配合单位：{b}）", LEAD_COOPERATE),
    "with_bracket_partners": ("推进重点项目（{a}牵头，{b}等配合）。", LEAD_COOPERATE),
    "line_spaces": ("推进重点项目。\n牵头单位：{a}    配合单位：{b}", LEAD_COOPERATE),
    "line_resp_next": ("推进重点项目。\n责任单位：{a}、{b}", RESPONSIBLE),
    "line_after_same": ("推进重点项目。责任单位：{a}、{b}", RESPONSIBLE),
    "line_lead_sem": ("推进重点项目。\n牵头单位：{a}；配合单位：{b}；完成时限：2025年底", LEAD_COOPERATE),
    "line_lead_half": ("推进重点项目。\n牵头单位:{a};配合单位:{b}", LEAD_COOPERATE),
    "bracket_timeline": ("推进重点项目。（牵头单位：{a}；配合单位：{b}；完成时限：2025年）", LEAD_COOPERATE),
    "bracket_with_year": ("推进重点项目。（{a}牵头，{b}配合；2025年底前完成）", LEAD_COOPERATE),
    "bracket_resp_year": ("推进重点项目。（责任单位：{a}、{b}，2024年12月底前）", RESPONSIBLE),
    "label_zhuban": ("推进重点项目。（主办单位：{a}；协办单位：{b}）", LEAD_COOPERATE),
    "label_lead_dept": ("推进重点项目。（牵头部门：{a}，配合部门：{b}）", LEAD_COOPERATE),
    "label_responsible_lead": ("推进重点项目。（责任单位：{a}（牵头）、{b}）", LEAD_COOPERATE),
    "line_with_bullet": ("推进重点项目。\n★牵头单位：{a}\n★配合单位：{b}", LEAD_COOPERATE),
    "line_paren_label": ("推进重点项目。\n【牵头单位】{a}\n【配合单位】{b}", LEAD_COOPERATE),
    "bracket_lead_responsible": ("推进重点项目。（{a}牵头，{b}等按职责分工负责）", LEAD_COOPERATE),
    "prose_label_after": ("推进重点项目，牵头单位为{a}，配合单位为{b}。", LEAD_COOPERATE),
    "purpose_opener": ("为加快推进重点项目，由{a}牵头，{b}配合，制定实施方案。", LEAD_COOPERATE),
    "modal_adverbial_with": ("{a}要按照国家部署要求，会同{b}制定实施方案。", LEAD_COOPERATE),
    "conditional": ("对于违反规定的，由{a}会同{b}依法处理。", LEAD_COOPERATE),
    "generic_first": ("各地区、{a}、{b}要加强协调。", RESPONSIBLE),
    "lead_etc_participate": ("{a}牵头，{b}等部门参与，研究制定配套政策。", LEAD_COOPERATE),
    "work_by": ("具体工作由{a}牵头负责，{b}配合。", LEAD_COOPERATE),
    "time_with": ("{a}每年会同{b}开展评估。", LEAD_COOPERATE),
    "date_with": ("{a}于2025年底前会同{b}完成评估。", LEAD_COOPERATE),
    "consult": ("{a}商{b}制定实施细则。", ("responsible", None)),
    "duty_alone": ("推进重点项目。{a}、{b}按职责分工负责。", RESPONSIBLE),
    "above_work": ("上述工作由{a}牵头，{b}配合。", LEAD_COOPERATE),
    "this_work": ("此项工作由{a}、{b}负责。", RESPONSIBLE),
    "as_authority": ("{a}作为主管部门，负责统筹推进，{b}配合。", ("responsible", "cooperate")),
    "encourage": ("鼓励{a}、{b}开展合作。", (None, None)),
    "after_consent": ("经{a}同意后，{b}负责组织实施。", (None, "responsible")),
    "guide_object": ("{a}指导{b}开展工作。", ("responsible", None)),
    "coordinate_modal": ("{a}、{b}等部门要加强协调配合。", RESPONSIBLE),
    "long_subject_modal": ("{a}和{b}要切实加强组织领导。", RESPONSIBLE),
    "new_sentence_lead": ("推进重点项目。由{a}牵头。{b}配合。", ("lead", "cooperate")),
    "light_verb_part": ("{a}负责组织实施，{b}做好配合。", ("responsible", "cooperate")),
    "auxiliary_support": ("{a}负责推进重点项目，{b}予以支持。", ("responsible", "cooperate")),
    "by_function": ("推进重点项目。（{a}、{b}按职能负责）", RESPONSIBLE),
    "lead_role_played": ("{a}要发挥牵头抓总作用，{b}要积极配合。", LEAD_COOPERATE),
    "share_of_task": ("{a}牵头，{b}按职责做好相关工作。", LEAD_COOPERATE),
    "lead_end": ("推进重点项目，{a}牵头，{b}配合。", LEAD_COOPERATE),
    "bracket_lead_generic": ("推进重点项目。（{a}牵头，{b}、各区县政府配合）", LEAD_COOPERATE),
    "leader_label": ("推进重点项目。（责任领导：张三；责任单位：{a}、{b}）", RESPONSIBLE),
    "stem_labels": ("推进重点项目。（牵头：{a}；配合：{b}）", LEAD_COOPERATE),
    "stem_label_lines": ("推进重点项目。\n牵头：{a}\n配合：{b}", LEAD_COOPERATE),
    "under_lead": ("在{a}的牵头下，{b}配合推进重点项目。", LEAD_COOPERATE),
    "by_two_lead": ("由{a}和{b}牵头推进重点项目。", ("lead", "lead")),
    "slash_list": ("推进重点项目。（{a}/{b}）", RESPONSIBLE),
    "square_bracket": ("推进重点项目。[牵头单位：{a}；责任单位：{b}]", LEAD_COOPERATE),
    "main_responsible": ("推进重点项目。（主要责任单位：{a}；协同配合单位：{b}）", LEAD_COOPERATE),
    "division_label": ("推进重点项目。\n部门分工：{a}牵头，{b}配合。", LEAD_COOPERATE),
    "leader_line": ("推进重点项目。\n分管领导：张三\n牵头单位：{a}\n责任单位：{b}", LEAD_COOPERATE),
    "primarily": ("以{a}为主，{b}配合，推进重点项目。", LEAD_COOPERATE),
    "mechanism_primarily": ("建立以{a}为主、{b}参与的工作推进机制。", LEAD_COOPERATE),
    "joint_lead_label": ("推进重点项目。（共同牵头单位：{a}、{b}）", ("lead", "lead")),
    "support_label": ("推进重点项目。（牵头单位：{a}；支持单位：{b}）", LEAD_COOPERATE),
    "responsible_with": ("{a}负责会同{b}制定实施方案。", LEAD_COOPERATE),
    "with_list_comma": ("{a}会同{b}等部门，指导各地开展试点。", LEAD_COOPERATE),
    "lead_gathers": ("{a}牵头组织{b}等部门研究制定方案。", LEAD_COOPERATE),
    "by_lead_gathers": ("由{a}牵头，组织{b}等部门研究制定方案。", LEAD_COOPERATE),
    "closely": ("{a}要牵头抓总，{b}要密切配合。", LEAD_COOPERATE),
}
PARTNER_STEP = 7  # unit i is paired with unit i + 7, so every unit meets partners of other shapes


def read_roles(sentence: str) -> dict[str, set[str]]:
    text = f"关于推进测试工作的实施方案\n一、总体要求\n（一）加强基础设施建设。{sentence}\n"
    roles: dict[str, set[str]] = defaultdict(set)
    for clause in parse_bytes(text.encode(), "probe.txt").clauses:
        for found in clause.attributions:
            for role in ("lead", "cooperate", "responsible"):
                for department in getattr(found, role):
                    roles[department.printed].add(role)
    return roles


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="print every failed pair")
    args = parser.parse_args()
    failed: Counter[str] = Counter()
    lost: Counter[str] = Counter()
    pairs = [(UNITS[i], UNITS[(i + PARTNER_STEP) % len(UNITS)]) for i in range(len(UNITS))]
    for name, (template, (role_a, role_b)) in FORMS.items():
        for a, b in pairs:
            got = read_roles(template.format(a=a, b=b))
            expected = {u: {r} for u, r in ((a, role_a), (b, role_b)) if r}  # None: named, no role
            if got == expected:
                continue
            failed[name] += 1
            lost.update(u for u in (a, b) if got.get(u) != expected.get(u))
            if args.verbose:
                print(f"{name}: {a} / {b} -> {dict(got)}")
    total = len(FORMS) * len(pairs)
    print(f"{total - sum(failed.values())} of {total} (form, pair) readings exact")
    for name in FORMS:
        print(f"  {name:20s} {len(pairs) - failed[name]:3d} / {len(pairs)}")
    print("units most often lost:", ", ".join(f"{u} {n}" for u, n in lost.most_common(12)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
