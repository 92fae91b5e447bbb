"""Assignments written as sentences: the subject must be a named unit, the verb a duty."""

from __future__ import annotations

import pytest

from ingest.prose import ProseReader, is_reply, reports_news
from ingest.units import defined_names


def roles(text: str, defined: dict[str, str] | None = None) -> list[tuple[tuple[str, ...], ...]]:
    found = ProseReader(text, defined or {}).assignments(0, len(text))
    return [(a.lead, a.cooperate, a.responsible, a.generic) for a in found]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("由省发展改革委牵头，省财政厅配合，建立工作机制。", [(("省发展改革委",), ("省财政厅",), (), ())]),
        (
            "国家发展改革委会同财政部、市场监管总局做好试点。",
            [(("国家发展改革委",), ("财政部", "市场监管总局"), (), ())],
        ),
        ("请省商务厅做好统筹。", [((), (), ("省商务厅",), ())]),
        ("工业和信息化部、国家发展改革委要加强指导。", [((), (), ("工业和信息化部", "国家发展改革委"), ())]),
        ("国家卫生健康委要会同相关部门加强指导。", [(("国家卫生健康委",), (), (), ("相关部门",))]),
        ("本办法由省大数据局负责解释。", [((), (), ("省大数据局",), ())]),
        (
            "市场监管总局要发挥牵头作用，会同各有关部门共同推进。",
            [(("市场监管总局",), (), (), ("各有关部门",))],
        ),
        ("司法部要加强指导，会同有关部门进行监督检查。", [(("司法部",), (), (), ("有关部门",))]),
        ("3月底前国家卫生健康委完成国家监测指标分析工作。", [((), (), ("国家卫生健康委",), ())]),
        ("教育部为牵头单位。", [(("教育部",), (), (), ())]),
        (
            "建立国家发展改革委、国家卫生健康委牵头的部际联席会议机制。",
            [(("国家发展改革委", "国家卫生健康委"), (), (), ())],
        ),
        ("国务院及各部门要完善决策机制。", [((), (), ("国务院",), ("各部门",))]),
        # a first step (…收到申请后，) between the subject and its duties; a later 会同 makes it lead
        (
            "省大数据局收到接入申请后，开展形式审查，会同有关业务处室提出审核意见。",
            [(("省大数据局",), (), (), ("有关业务处室",))],
        ),
        ("省大数据局信任体系建成后，实现安全整合。", []),  # the system is built, not the bureau's step
        ("专利代理机构接受委托后，不得接受其他委托。", []),
        ("由省大数据局分批确定接入范围。", [((), (), ("省大数据局",), ())]),
        # a note and a definition after one name: neither counts towards the name's length
        (
            "教育部教育技术与资源发展中心（中央电化教育馆）（以下简称教育部资源中心）负责技术支撑。",
            [((), (), ("教育部教育技术与资源发展中心（中央电化教育馆）",), ())],
        ),
        # the lead's duty named as a noun
        ("省商务厅要切实履行牵头责任，省财政厅配合。", [(("省商务厅",), ("省财政厅",), (), ())]),
        # a step the subject takes first (经…后，) stands between it and its verb
        ("各地推荐场景，科技部经审核评估后，确定是否支持。", [((), (), ("科技部",), ())]),
        # …but 经济 opens a name: a contact line of the 经济建设司 assigns nothing
        ("财政部经济建设司　张三　010-61965366", []),
        # an office inside a unit the alias table knows is as clearly named as the unit
        ("本规范由教育部办公厅负责解释。", [((), (), ("教育部办公厅",), ())]),
        (
            "国家教材委员会办公室设在教育部，由教育部教材局承担办公室工作。",
            [((), (), ("教育部教材局",), ())],
        ),
        # 联合 with no partner after it: a joint duty, no lead distinguished
        (
            "工业和信息化部、国家体育总局联合组织专家对推荐案例进行评审。",
            [((), (), ("工业和信息化部", "国家体育总局"), ())],
        ),
        ("省发展改革委联合省财政厅制定办法。", [(("省发展改革委",), ("省财政厅",), (), ())]),
        # after 由 a weak ending (院, 中心) acts; 另行 stands between the agent and its verb
        ("各推荐单位管理账号由中国信息通信研究院提供。", [((), (), ("中国信息通信研究院",), ())]),
        ("具体操作办法，由国务院税务主管部门另行制定。", [((), (), ("国务院税务主管部门",), ())]),
        ("工业和信息化部鼓励企业采用数字证书进行签名。", [((), (), ("工业和信息化部",), ())]),
        # X配合Y推进…: Y (a unit, or a place for its government) leads; 协调 with no partner after it
        # (协调研究解决…) makes no one the lead
        (
            "科技部将积极配合北京推进试验区建设，协调研究解决相关政策问题，加强工作指导。",
            [(("北京",), ("科技部",), (), ())],
        ),
        ("省财政厅配合省发展改革委制定办法。", [(("省发展改革委",), ("省财政厅",), (), ())]),
        ("省发展改革委要加强统筹，协调省财政厅推进。", [(("省发展改革委",), ("省财政厅",), (), ())]),
        ("国家发展改革委会同建设部制定规划。", [(("国家发展改革委",), ("建设部",), (), ())]),
        # one list shares the prefix that makes 国务院X部门 one body; a lead word after a short adverbial
        (
            "国务院教育行政部门、人力资源社会保障行政部门和其他有关部门在职责范围内，分别负责有关工作。",
            [((), (), ("国务院教育行政部门", "人力资源社会保障行政部门"), ("其他有关部门",))],
        ),
        ("国务院教育行政部门依照职业标准牵头组织开发教学标准。", [(("国务院教育行政部门",), (), (), ())]),
        ("省财政厅对牵头单位的工作进行考核。", [((), (), ("省财政厅",), ())]),
        # a subject after an opening adverbial that no comma closes
        (
            "根据标准制修订情况和管理需要工业和信息化部、市场监管总局将适时调整技术参数。",
            [((), (), ("工业和信息化部", "市场监管总局"), ())],
        ),
        # 同 joins two parties to one act; 接收 is a duty of a procedure
        (
            "土地使用权由香港特别行政区政府同广东省深圳市人民政府签订合同取得。",
            [((), (), ("香港特别行政区政府", "广东省深圳市人民政府"), ())],
        ),
        (
            "申请书由国家自然科学基金委员会项目材料接收工作组接收。",
            [((), (), ("国家自然科学基金委员会项目材料接收工作组",), ())],
        ),
        # a designation after 是 as after 为
        ("国务院办公厅是全国政务新媒体工作的主管单位。", [((), (), ("国务院办公厅",), ())]),
        # the class of the State Council's departments is no unit; one of them is
        ("县级以上地方各级人民政府及国务院部门应当开设政务新媒体。", []),
        # an office whose name opens with a verb (组织部, 督查室) stays whole; 组织 alone is the verb
        ("由市委组织部牵头，团市委配合，做好人才工作。", [(("市委组织部",), ("团市委",), (), ())]),
        ("省委宣传部会同市政府督查室开展督导。", [(("省委宣传部",), ("市政府督查室",), (), ())]),
        ("市委组织实施人才工程。", [((), (), ("市委",), ())]),
        ("省财政厅会同省教育厅推进项目。", [(("省财政厅",), ("省教育厅",), (), ())]),
        # national systems' local bodies and the military's local commands
        ("民航山东监管局会同青岛海关推进口岸建设。", [(("民航山东监管局",), ("青岛海关",), (), ())]),
        ("由省军区牵头，武警山东省总队配合，开展演练。", [(("省军区",), ("武警山东省总队",), (), ())]),
        ("国网山东省电力公司负责配套电网建设。", [((), (), ("国网山东省电力公司",), ())]),
        # a unit of a weak ending is an actor when addressed (请X) or designated (X为牵头单位)
        ("请齐鲁工业大学、省大数据中心做好保障。", [((), (), ("齐鲁工业大学", "省大数据中心"), ())]),
        ("省大数据中心为牵头单位。", [(("省大数据中心",), (), (), ())]),
        # a designation after 作为; an auxiliary (予以) before the cooperating unit's verb
        (
            "省商务厅作为牵头单位，济南海关作为配合单位，共同推进口岸建设。",
            [(("省商务厅",), ("济南海关",), (), ())],
        ),
        ("由省商务厅负责，济南海关予以配合。", [((), ("济南海关",), ("省商务厅",), ())]),
        # the cooperating part named as a noun after a light verb, or after an auxiliary of its own
        (
            "省商务厅负责组织实施，济南海关做好配合。",
            [((), ("济南海关",), ("省商务厅",), ())],
        ),
        ("省商务厅负责推进招商，省财政厅予以支持。", [((), ("省财政厅",), ("省商务厅",), ())]),
        # 职能 for 职责 before a role word; a lead named by the role it plays (发挥牵头抓总作用)
        ("省商务厅、省财政厅按职能负责。", [((), (), ("省商务厅", "省财政厅"), ())]),
        (
            "省商务厅要发挥牵头抓总作用，济南海关要积极配合。",
            [(("省商务厅",), ("济南海关",), (), ())],
        ),
        # a share of the task (按职责做好相关工作) under a named lead cooperates, of a weak ending too
        (
            "省商务厅牵头，省大数据中心按职责做好相关工作。",
            [(("省商务厅",), ("省大数据中心",), (), ())],
        ),
        # a lead inside a frame that opens the sentence
        ("在省商务厅的牵头下，济南海关配合推进招商。", [(("省商务厅",), ("济南海关",), (), ())]),
        ("以省商务厅为主，济南海关配合，推进招商。", [(("省商务厅",), ("济南海关",), (), ())]),
        # 负责 before 会同 leaves it the lead's word; partners listed to the sub-clause's end
        ("省商务厅负责会同济南海关制定方案。", [(("省商务厅",), ("济南海关",), (), ())]),
        ("省商务厅会同济南海关等部门，指导各市开展试点。", [(("省商务厅",), ("济南海关",), (), ())]),
        # a lead gathers named units (牵头组织Y / 由X牵头，组织Y): they cooperate; a category does not
        (
            "省商务厅牵头组织济南海关、省财政厅等部门研究制定方案。",
            [(("省商务厅",), ("济南海关", "省财政厅"), (), ())],
        ),
        (
            "由省商务厅牵头，组织济南海关、省财政厅等部门研究制定方案。",
            [(("省商务厅",), ("济南海关", "省财政厅"), (), ())],
        ),
        ("省商务厅牵头组织企业申报。", [(("省商务厅",), (), (), ())]),
        # an adverb of manner (密切) before the cooperating verb
        ("省商务厅要牵头抓总，济南海关等部门要密切配合。", [(("省商务厅",), ("济南海关",), (), ())]),
        # …inside the sub-clause, with the units that take part in the same phrase
        ("建立以省商务厅为主、济南海关参与的工作机制。", [(("省商务厅",), ("济南海关",), (), ())]),
        # units that cooperate inside the phrase of an inner lead
        (
            "建立由省发展改革委牵头、省财政厅参加的联席会议制度。",
            [(("省发展改革委",), ("省财政厅",), (), ())],
        ),
        # a subject with a role word alone takes part in the sentence's task: under its lead it
        # cooperates, even of a weak ending (中心) after a modifier (按照职责分工)
        (
            "省发展改革委牵头组织实施，省大数据中心按照职责分工抓好落实。",
            [(("省发展改革委",), ("省大数据中心",), (), ())],
        ),
        # a collective phrase with a role word alone joins the named subject's assignment, apart
        ("由省商务厅牵头，各有关部门配合，推进招商。", [(("省商务厅",), (), (), ("各有关部门",))]),
        ("各有关部门要加快推进招商。", []),  # a collective subject alone assigns nothing
        (
            "由省商务厅牵头，各县（市、区）人民政府配合。",
            [(("省商务厅",), (), (), ("各县（市、区）人民政府",))],
        ),
        (
            "省商务厅会同各省、自治区、直辖市人民政府推进招商。",
            [(("省商务厅",), (), (), ("各省、自治区、直辖市人民政府",))],
        ),
        # a time between the subject and 会同 is skipped like a modal, after a weak ending too
        ("济南海关每年会同省商务厅开展评估。", [(("济南海关",), ("省商务厅",), (), ())]),
        ("省大数据中心于2025年底前会同省商务厅完成评估。", [(("省大数据中心",), ("省商务厅",), (), ())]),
        # a role word's modifier (负责) before the lead word
        ("省商务厅负责牵头推进招商，济南海关参与。", [(("省商务厅",), ("济南海关",), (), ())]),
        # …but a task stated before its agent is a task of its own
        (
            "法律草案由国务院法制机构组织起草，行政法规的解释工作由司法部承办。",
            [((), (), ("国务院法制机构",), ()), ((), (), ("司法部",), ())],
        ),
        (
            "省商务厅负责招商引资，省财政厅负责资金保障。",
            [((), (), ("省商务厅",), ()), ((), (), ("省财政厅",), ())],
        ),
    ],
)
def test_assignments(text: str, expected: list) -> None:
    assert roles(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "2017年以来，工业和信息化部会同民政部先后印发了《规划》。",  # a past report
        "推动工业大数据中心建设，优化算力布局。",  # a verb and its object, not a subject
        "支持企业牵头建设平台。",  # a category
        "各地区各部门要高度重视。",  # only collective subjects
        "省重点实验室建设布局更加合理。",  # a facility as topic
        "国家林业局为根节点。",  # 为 without a role
        "发生变更的，由联席会议授权的第三方检测机构进行测试。",  # the unit qualifies a noun
        "联席会议要求的其他材料。",
        # a ministry's shape is no reason to split a name: 国务院专利行政部 + 门…
        "曾在国务院专利行政部门或者地方人民政府管理专利工作的部门任职的专利代理师，不得代理。",
        "工程建设应严格遵守相关国家标准、行业标准和部组织制定的标准规范。",  # 行业标准和部 is no unit
        "财政部是重要部门。",  # 是 without a role
        # a name right after an opening adverbial is its source; its last characters are no subject
        "按照科技部等六部门联合印发的《意见》要求，组织开展工作。",
        "由部分地区先行试点，由部门负责。",  # 部 opens 部分 and 部门: no self-reference
        "按照党中央、国务院统一部署，做好工作。",  # names inside an adverbial are its object
        "根据国家发展改革委要求，做好申报。",
        "坚持以企业为主，政府引导。",  # a frame of a lead holding no named unit
        # an area is where things happen, not a body given a task, when it is the subject
        "山东省某某高新技术产业开发区大力推进创新驱动发展。",
        "省级园区实行动态管理。",
    ],
)
def test_not_assignments(text: str) -> None:
    assert roles(text, {"联席会议": ""}) == []


def test_defined_names_can_be_subjects() -> None:
    text = "联席会议负责组织受理、审核示范应用申请。联席会议办公室定期通报。"
    assert roles(text, {"联席会议": "济南市联席会议", "联席会议办公室": ""}) == [
        ((), (), ("联席会议",), ()),
        ((), (), ("联席会议办公室",), ()),
    ]
    assert roles(text) == []  # without the document's definition the bare name is no unit


def test_one_assignment_per_sentence_with_its_span() -> None:
    text = "一、任务。省大数据局负责平台建设。省财政厅负责资金保障。"
    found = ProseReader(text).assignments(0, len(text))
    assert [text[a.start : a.end] for a in found] == ["省大数据局负责平台建设。", "省财政厅负责资金保障。"]


def test_names_the_document_defines_for_one_body_or_for_a_class() -> None:
    text = (
        "省人民政府大数据工作主管部门（以下简称省级主管部门）负责统筹规划。"
        "设区的市人民政府大数据工作主管部门（以下简称市级主管部门）负责组织申报。"
        "省级主管部门组织遴选。市级主管部门要加强管理。"
    )
    # the class's sentences name only a collective subject: no assignment
    assert roles(text, defined_names(text)) == [
        ((), (), ("省人民政府大数据工作主管部门",), ()),
        ((), (), ("省级主管部门",), ()),
    ]


def test_a_reply_assigns_only_what_a_unit_will_do() -> None:
    reply = (
        "民政部对关于强化老年人关爱的建议的答复\n你们提出的建议收悉。现答复如下：\n"
        "一、工作情况。民政部在全国范围部署开展排查工作。工业和信息化部引导企业加强适老化设计。\n"
        "二、下一步工作。一是民政部将会同有关部门完善政策。二是工业和信息化部将抓好专项行动落实。"
    )
    assert is_reply(reply)
    found = ProseReader(reply, {}, commitments_only=True).assignments(0, len(reply))
    assert [(a.lead, a.responsible, a.generic) for a in found] == [
        (("民政部",), (), ("有关部门",)),
        ((), ("工业和信息化部",), ()),
    ]
    # a 复函 to a request decides: it is no reply of this kind
    assert not is_reply("国务院办公厅关于黄金经济政策有关问题的复函\n冶金部《关于黄金经济政策的请示》收悉。")
    assert not is_reply("关于合建气象站网的复函\n你局的请示收悉。现就有关事项答复如下：")


def test_a_news_report_assigns_nothing() -> None:
    report = "2017年2月18日，白皮书发布会在北京召开。工业和信息化部大力推动大数据产业发展。"
    assert reports_news(report)
    assert ProseReader(report, {}, reads_duties=False).assignments(0, len(report)) == []
    assert not reports_news("工业和信息化部大力推动大数据产业发展。2017年2月18日，发布会在北京召开。")
    # a dateline may give a span of days or of months
    assert reports_news("2018年9月25－28日，工作组第1次会议在日内瓦召开。装备工业司组织专家参加会议。")
    assert reports_news("2019年5月30日至6月1日，峰会在天津举行。")


def test_a_ministrys_office_names_itself() -> None:
    from ingest.units import self_references

    assert "我司" in self_references()  # the document maps it to its issuer (ingest/attribution.py)
    assert roles("我司将按程序推荐申报团队。", {"我司": "交通运输部科技司"}) == [((), (), ("我司",), ())]
