"""The wording of the moves themselves: acknowledgements, dispatch instructions, progress notes,
replies, callback comments and the reasons for returns, suspensions, cancellations and closures.

Every pool has several phrasings, so two tickets about the same thing do not read alike.
"""

from propdesk.callbacks.choices import Satisfaction
from propdesk.tickets.choices import Kind

#: Notes on accepting a complaint; other kinds are accepted without one.
ACCEPT_NOTES = ("", "", "", "已复述确认诉求内容", "已向住户致歉并记录诉求", "住户情绪较激动,已安抚")

#: The first reply, usually within minutes of dispatch: what happens next and when.
ACKNOWLEDGEMENTS = {
    Kind.COMPLAINT: (
        "您好,您反映的{topic}问题我们已受理,已通知{dept_name}处理,预计{eta}内给您答复,给您带来不便非常抱歉。",
        "非常抱歉给您带来困扰,{topic}的问题已登记,{dept_name}正在跟进,我们会在{eta}内联系您反馈进度。",
        "收到,{topic}的问题已转{dept_name}处理,客服管家会全程跟进,有进展第一时间告诉您。",
    ),
    Kind.REPAIR: (
        "您好,报修已登记,已安排{dept_name}师傅{eta}内上门,师傅出发前会先给您打电话。",
        "报修收到,{dept_name}已派单,预计{eta}内到场处理。",
        "您好,您报修的{topic}已派工,维修师傅稍后与您电话确认上门时间。",
    ),
    Kind.HELP: (
        "已收到,保安和值班人员马上到场,请您保持电话畅通。",
        "我们已通知值班人员立即赶过去,请不要着急,保持电话畅通。",
    ),
    Kind.SUGGESTION: (
        "感谢您的建议,已转{dept_name}评估,我们会在{eta}内给您答复。",
        "谢谢您的宝贵建议,已登记并报项目经理,评估后答复您。",
    ),
}
PAID_ACKNOWLEDGEMENTS = (
    "您好,报修已登记,按收费标准报价{fee}元,维修师傅将于{eta}上门,请家中留人。",
    "您好,已为您预约{eta}上门维修,费用{fee}元将计入当月管理费账单,师傅出发前会电话联系您。",
)

#: Instructions to the department, by who receives them: a field team or an office.
DISPATCH_INSTRUCTIONS = {
    "field": (
        "请{eta}内到场处理,完成后拍照回传。",
        "住户较着急,请尽快联系住户上门。",
        "请先电话联系住户确认情况,处理结果及时反馈客服中心。",
        "请现场核实后反馈处理方案。",
        "",
    ),
    "office": (
        "请核实情况后{eta}内答复住户。",
        "请主管跟进,与住户沟通并记录处理意见。",
        "请调取相关记录核实,处理意见反馈客服中心。",
        "",
    ),
}
PAID_INSTRUCTIONS = (
    "有偿维修,已按收费标准报价合计{fee}元,住户同意,预约{appt_text}上门。",
    "有偿服务,报价{fee}元已获住户确认,请按预约时间{appt_text}上门,完工请住户签单。",
)
FEE_AGREEMENTS = (
    "住户电话确认同意报价",
    "住户微信回复同意报价",
    "住户在前台维修单上签字确认",
    "住户现场确认报价",
)

#: What a caller adds at the end, by kind: it is how two reports of one fault differ.
EXTRAS = {
    Kind.COMPLAINT: (
        "之前已经反映过一次了。",
        "希望物业重视,尽快给个答复。",
        "业主说话比较激动,表示再不处理就打12345。",
        "邻居们也有同样的意见。",
        "请不要透露是谁反映的。",
        "业主表示对物业的处理效率很失望。",
        "希望有结果后电话告知。",
    ),
    Kind.REPAIR: (
        "家里有老人在,随时可以上门。",
        "上午家里没人,下午2点后方便。",
        "上门前请先打电话。",
        "希望师傅带好鞋套。",
        "周末也可以上门。",
        "住户说比较急,希望尽快。",
    ),
    Kind.CONSULTATION: ("希望短信回复。", "顺便问一下服务中心的上班时间。"),
    Kind.SUGGESTION: ("邻居们也有同样的想法。", "希望物业考虑一下。"),
}

#: Follow-up records by the desk, by kind: a complaint is chased, a repair just checked on.
GENERIC_NOTES = {
    Kind.COMPLAINT: (
        "已电话告知住户目前处理进度,住户表示理解。",
        "{dept_name}主管已到现场查看。",
        "已在微信上向住户同步处理进度并附现场照片。",
        "与住户约定明天上午再次沟通。",
        "客服主管跟催{dept_name},答复今天下班前处理完。",
        "住户电话未接通,已发短信告知进度。",
        "已上报项目经理,项目经理要求每日跟进直至完成。",
    ),
    "office": (
        "已电话告知住户目前处理进度,住户表示理解。",
        "已整理公示材料及相关依据,准备向住户当面解释。",
        "已上报项目经理,项目经理要求每日跟进直至完成。",
        "住户电话未接通,已发短信告知进度。",
        "已约住户明天下午到服务中心面谈。",
    ),
    Kind.REPAIR: (
        "师傅已到场,正在处理。",
        "需更换配件,师傅回仓库取件后继续。",
        "已电话告知住户师傅到场时间。",
    ),
    Kind.SUGGESTION: (
        "已在项目周例会上讨论该建议,待项目经理确认方案。",
        "已与业委会沟通,业委会原则同意。",
    ),
}
LONG_RUNNING_NOTES = (
    "每周例行跟进:已电话联系住户告知最新进展,住户表示会继续等待。",
    "本周跟进:{dept_name}反馈方案仍在推进中,已向住户说明。",
    "每周跟进记录:住户仍有意见,已约项目经理下周面谈。",
)

RESULT_REPLIES = (
    "您好,您反映的{topic}问题已处理完毕:{result}如还有问题请随时联系客服中心。",
    "您好,向您反馈处理结果:{result}感谢您的理解和支持。",
    "您好,{topic}已处理:{result}稍后客服会对您进行回访,请留意来电。",
)
SUGGESTION_REPLIES = (
    "您好,关于您提出的“{topic}”建议:{result}感谢您对社区的关心。",
    "您好,您的建议我们已认真研究:{result}欢迎继续提出宝贵意见。",
)

CALLBACK_COMMENTS = {
    Satisfaction.VERY_SATISFIED: (
        "处理很及时,师傅也很专业,非常满意。",
        "管家跟进得很到位,没什么意见了,谢谢。",
        "很满意,比以前快多了。",
        "",
    ),
    Satisfaction.SATISFIED: (
        "问题解决了,挺好的。",
        "满意,希望以后一直保持。",
        "已经好了,谢谢关心。",
        "",
    ),
    Satisfaction.BASICALLY_SATISFIED: (
        "基本解决了,就是等的时间有点长。",
        "问题处理了,但希望以后能提前通知。",
        "还行吧,希望别再出现同样的问题。",
    ),
    Satisfaction.DISSATISFIED: (
        "问题没有彻底解决,过了两天又出现了。",
        "处理的人来了看了一下就走了,什么也没说清楚。",
        "说好的时间没来,又拖了一天。",
    ),
    Satisfaction.VERY_DISSATISFIED: (
        "拖了这么久才处理,态度还很敷衍,很不满意。",
        "一点都没解决,我要向你们总部投诉。",
        "每次都说在处理,没有任何结果。",
    ),
}
CALLBACK_METHOD_WEIGHTS = {"phone": 70, "visit": 15, "link": 15}

RETURN_REASONS = {
    "SEC": "非保安部职责,属设备设施维修,请转工程部。",
    "ENV": "现场查看为管道渗漏,不属保洁范畴,请派工程部维修。",
    "CS": "需要现场维修,请派工程部。",
    "ENG": "现场查看不属设备故障,请转相关部门。",
}
TRANSFER_REASONS = (
    "初判有误,现场确认需{dept_name}处理,转派。",
    "{wrong_name}反馈不属本部门职责,转{dept_name}。",
    "涉及专业维修,转{dept_name}处理。",
)

SUSPEND_REASONS = (
    "等待配件到货",
    "住户出差,约定回来后再上门处理",
    "需等待天气转好后室外作业",
)
RESUME_NOTES = ("配件已到,恢复处理。", "已与住户约定上门时间,恢复处理。", "条件具备,继续处理。")

CANCEL_REASONS = {
    Kind.COMPLAINT: (
        "住户来电表示问题已自行解决,撤回投诉。",
        "经管家沟通解释,住户表示理解,申请撤销。",
        "与已登记的诉求为同一事项,系重复登记,撤销本单。",
    ),
    Kind.REPAIR: (
        "住户表示不需要上门了,已自行处理好。",
        "住户改约以后再报,本次撤销。",
        "住户来电称问题已自行解决,申请撤销。",
    ),
    Kind.HELP: ("住户来电称情况已解除,无需到场。",),
    Kind.SUGGESTION: ("住户表示只是随口一提,不需要答复,撤销。",),
    Kind.CONSULTATION: ("住户表示已在公众号查到答案,撤销。",),
    Kind.PRAISE: ("重复登记,撤销本单。",),
}
LOCKED_OUT_CANCEL = "住户家人已送来备用钥匙,无需开锁,撤销。"

NO_CONTACT_NOTES = (
    "匿名反映,无法回访,处理结果已在单元公告栏公示。",
    "反映人未留联系方式,无法回访。",
)
UNREACHABLE_NOTES = (
    "回访电话三次未接通,已短信告知处理结果。",
    "连续两天电话回访无人接听,已微信留言告知处理结果。",
)
ON_SPOT_NOTES = (
    "现场处理完毕,住户当场验收签字确认。",
    "处理完成后住户现场确认满意,无需回访。",
    "住户在维修单上签字确认,服务评价:满意。",
)
#: A complaint closed without a callback because one would do harm (SPEC §6): the reason.
SENSITIVE_NOTES = (
    "邻里纠纷,回访可能激化双方矛盾;经客服主管同意不做回访,处理结果已由管家当面告知。",
    "住户明确要求不要再来电打扰,处理结果已短信告知;经客服主管同意不回访。",
    "涉及住户家庭隐私,经客服主管同意不做电话回访,处理结果已当面告知。",
)
ANSWERED_NOTES = ("已当场答复,住户表示清楚,无需回访。", "住户对答复表示满意。", "")
PATROL_NOTES = ("巡查发现问题已整改,客服主管现场验收。", "已整改完毕,巡逻岗复查确认。")
SATISFIED_NOTES = ("", "", "回访满意,关闭。", "住户满意,结案。")
MERGE_NOTES = (
    "{dup}与{into}为同一事项({topic}),合并至{into}处理。",
    "同一事项多位住户反映,{dup}并入{into}统一处理和回复。",
    "{dup}为重复反映({topic}),已并入{into},处理结果一并回复住户。",
)
REOPEN_REASONS = (
    "住户来电反映问题复发:{topic}又出现,要求重新处理。",
    "住户再次反映{topic}未彻底解决,重开处理。",
)

#: What a second department records when it helped (cleaners after a leak, guards on site).
SECOND_RESULTS = {
    "ENV": ("保洁已到场清理现场并消毒。", "环境部安排人员清理积水和杂物,现场已恢复整洁。"),
    "SEC": ("保安到场维持秩序,配合处理完毕。", "保安部协助疏导并全程在场,已完成配合。"),
    "ENG": ("工程人员到场配合检查,相关设备运行正常。", "工程部配合完成现场检查。"),
    "CS": ("客服中心已与相关住户沟通协调完毕。",),
}
REWORK_INSTRUCTIONS = (
    "返工:回访住户不满意,请主管带队复查并彻底处理。",
    "住户反映问题未解决,请重新上门处理,完成后拍照回传。",
)
REWORK_RESULTS = (
    "主管带队复查,针对住户反映的遗留问题重新处理,并请住户现场确认。",
    "二次上门彻底处理完毕,已拍照留存,住户现场确认问题已解决。",
    "更换处理方案后复查正常,连续观察三天未再出现。",
)
ETA_WORDS = ((50, "30分钟"), (200, "2小时"), (60 * 8, "4小时"), (60 * 30, "24小时"))
