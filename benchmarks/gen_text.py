"""What residents say in benchmarks/generate.py: descriptions composed from varied templates
per category (the place, what is wrong, since when, what they ask), and the mixes of kind,
channel and category a customer-service centre sees."""

from __future__ import annotations

import random

#: Share of tickets per top-level category; the active leaves below share it equally.
CATEGORY_WEIGHTS = {
    "HOUSE": 18, "FAC": 25, "SEC": 8, "ENV": 12, "SVC": 10,
    "DISP": 10, "DEV": 4, "FEE": 10, "OTHER": 3,
}  # fmt: skip

KINDS = [
    ("repair", 0.45), ("complaint", 0.25), ("consultation", 0.15), ("suggestion", 0.08),
    ("praise", 0.04), ("help", 0.03),
]  # fmt: skip
CHANNELS = [
    ("phone", 0.52), ("wechat", 0.22), ("visit", 0.12), ("web", 0.04), ("patrol", 0.04),
    ("callback", 0.02), ("letter", 0.01), ("email", 0.01), ("government", 0.015),
    ("media", 0.005),
]  # fmt: skip

PROBLEMS = {
    "HOUSE": ["卫生间顶棚渗水,墙面发霉", "客厅墙体出现裂缝", "入户门锁芯损坏,无法反锁",
              "阳台推拉门变形关不严", "外墙瓷砖空鼓脱落", "厨房下水管返味"],
    "FAC-ELEV": ["电梯门关不上,反复开合", "电梯运行有异响,轿厢晃动", "电梯困人约十分钟",
                 "电梯按钮失灵", "电梯停运没有通知"],
    "FAC": ["楼道灯不亮,晚上出入不便", "水压偏低,早晚高峰出水很小", "门禁刷卡无反应",
            "可视对讲没有图像", "消防栓箱门损坏", "车库道闸抬杆不灵", "地下室排水泵故障"],
    "SEC": ["夜间有陌生人进入小区,门岗未登记", "消防通道被车辆长期占用", "地库乱停车堵住出口",
            "巡逻保安很少见到", "电动车在楼道充电"],
    "ENV": ["垃圾清运不及时,楼下有异味", "绿化带杂草多,希望尽快修剪", "电梯厅保洁不到位",
            "蚊虫多,希望消杀", "隔壁装修噪音超时"],
    "SVC": ["客服回复不及时,反映的问题无人跟进", "前台人员态度生硬", "维修师傅未穿工服",
            "答应的回电一直没有回", "处理结果没有人告知"],
    "DISP": ["楼上夜间噪音大,影响休息", "楼上住户高空抛物", "宠物在电梯内便溺无人清理",
             "楼上卫生间漏水到我家", "邻居占用公共走道堆放杂物"],
    "DEV": ["交房后阳台渗水,要求开发商维修", "小区规划与销售承诺不符", "窗户密封不严,雨天进水"],
    "FEE": ["物业服务费账单金额有疑问", "咨询停车月租价格", "水电费公摊不合理",
            "有偿维修收费标准不清楚", "多收了一个月的管理费"],
    "OTHER": ["快递柜数量不足,建议增加", "咨询小区活动报名方式", "表扬维修师傅上门及时",
              "希望增加儿童游乐设施", "咨询装修申请流程"],
}  # fmt: skip
SINCE = ["", "昨晚开始,", "今天早上发现,", "最近一周,", "已经持续三天,", "上个月开始,",
         "这两天,", "下雨后,"]  # fmt: skip
ASKS = ["请尽快安排处理。", "已多次反映,希望尽快解决。", "请回电告知处理进度。",
        "希望物业给个说法。", "请派人上门查看。", "", "麻烦尽快处理,谢谢。"]  # fmt: skip
PLACES = ["小区东门", "地下车库B1", "中心花园", "会所", "北门岗亭", "垃圾站", "儿童游乐区",
          "南门", "地面停车场", "泳池"]  # fmt: skip
EXPECTATIONS = ["尽快处理", "上门维修", "给出书面答复", "赔偿损失", "加强管理", ""]
RESOLUTIONS = ["已上门处理完毕,住户确认", "已更换配件,恢复正常", "已协调相关方解决",
               "已向住户解释说明,住户表示理解", "已安排专人跟进并整改"]  # fmt: skip


class Picker:
    """Weighted draws by cumulative weights (random.choices without rebuilding them)."""

    def __init__(self, pairs):
        self.values = [v for v, _ in pairs]
        self.cum = []
        total = 0.0
        for _, w in pairs:
            total += w
            self.cum.append(total)

    def __call__(self, rng: random.Random):
        return rng.choices(self.values, cum_weights=self.cum)[0]


def category_picker(leaves) -> Picker:
    """``leaves``: (id, code, top code) of each active leaf category."""
    per_top: dict[str, int] = {}
    for _, _, top in leaves:
        per_top[top] = per_top.get(top, 0) + 1
    return Picker(
        [((pk, code, top), CATEGORY_WEIGHTS.get(top, 1) / per_top[top]) for pk, code, top in leaves]
    )


def describe(rng: random.Random, code: str, top: str, place: str) -> str:
    problems = PROBLEMS.get(code) or PROBLEMS.get(top) or PROBLEMS["OTHER"]
    where = f"{place}" if rng.random() < 0.5 else ""
    return f"{where}{rng.choice(SINCE)}{rng.choice(problems)}。{rng.choice(ASKS)}"
