"""A company's history of closed requests, generated for the suggestion tests and the benchmark
(benchmarks/suggest_bench.py): descriptions composed the way residents speak — when it began,
where, what is wrong, what they ask — from a pool of problems per category: the starter case
library's problems and situations (knowledge/starter.py) and phrases written here for the
categories it does not cover. A share of requests is filed under a neighbouring category, as
agents do, so that accuracy is measured on labels as noisy as a real history's."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from propdesk.knowledge.starter import STARTER
from propdesk.tickets.choices import Channel, ReporterType, Status
from propdesk.tickets.models import Category, Ticket

PHRASES: dict[str, list[tuple[str, str]]] = {
    # code: [(what is wrong, kind)]
    "HOUSE-LEAK": [
        ("卫生间顶棚渗水,墙面发霉", "repair"),
        ("下雨后卧室天花板漏雨", "repair"),
        ("外墙渗水到室内,墙皮起泡", "complaint"),
    ],
    "HOUSE-CRACK": [
        ("客厅墙体出现裂缝", "repair"),
        ("卧室墙面裂纹越来越长", "complaint"),
        ("阳台地面开裂", "repair"),
    ],
    "HOUSE-DOOR": [
        ("入户门锁芯损坏,无法反锁", "repair"),
        ("阳台推拉门变形关不严", "repair"),
        ("窗户玻璃有裂纹", "repair"),
    ],
    "HOUSE-DECOR": [
        ("楼下装修拆承重墙", "complaint"),
        ("邻居装修垃圾堆在楼道", "complaint"),
        ("咨询装修申请要交什么材料", "consultation"),
    ],
    "HOUSE-OTHER": [
        ("房屋面积测量有疑问", "consultation"),
        ("阁楼漏风很冷", "repair"),
    ],
    "FAC-WATER": [
        ("厨房下水道堵塞返水", "repair"),
        ("水压偏低,早晚高峰出水很小", "complaint"),
        ("地漏往上冒水", "repair"),
        ("小区突然停水没有通知", "complaint"),
    ],
    "FAC-LIGHT": [
        ("楼道灯不亮,晚上出入不便", "repair"),
        ("声控灯坏了一直没人换", "complaint"),
        ("单元门口路灯不亮", "repair"),
    ],
    "FAC-ELEV": [
        ("电梯门关不上,反复开合", "repair"),
        ("电梯运行有异响,轿厢晃动", "complaint"),
        ("电梯按钮失灵", "repair"),
        ("电梯停运没有通知", "complaint"),
    ],
    "FAC-ACCESS": [
        ("门禁刷卡无反应", "repair"),
        ("单元门关不上,谁都能进", "complaint"),
        ("人脸识别门禁认不出来", "repair"),
    ],
    "FAC-INTERCOM": [
        ("可视对讲没有图像", "repair"),
        ("门铃按了没声音,访客进不来", "repair"),
        ("对讲机有杂音听不清", "repair"),
    ],
    "FAC-FIRE": [
        ("消防栓箱门损坏", "repair"),
        ("楼道灭火器过期了", "complaint"),
        ("烟感一直在响", "repair"),
    ],
    "FAC-PUMP": [
        ("二次供水水箱多久清洗一次", "consultation"),
        ("水泵房噪音很大影响休息", "complaint"),
        ("水泵故障高层没水", "repair"),
    ],
    "FAC-GATE": [
        ("车库道闸抬杆不灵", "repair"),
        ("道闸识别不了车牌", "complaint"),
        ("出车库排队闸杆不抬", "complaint"),
    ],
    "FAC-POWER": [
        ("家里突然停电,总闸没跳", "repair"),
        ("楼层电箱跳闸", "repair"),
        ("电表读数不对", "consultation"),
    ],
    "FAC-OTHER": [
        ("健身器材坏了", "repair"),
        ("信报箱锁坏了", "repair"),
    ],
    "SEC-GUARD": [
        ("夜间有陌生人进入小区,门岗未登记", "complaint"),
        ("巡逻保安很少见到", "complaint"),
        ("保安值班时睡觉", "complaint"),
    ],
    "SEC-FIRE": [
        ("消防通道被车辆长期占用", "complaint"),
        ("电动车在楼道充电", "complaint"),
        ("楼道里私拉飞线充电", "complaint"),
    ],
    "SEC-PARK": [
        ("地库乱停车堵住出口", "complaint"),
        ("我的车位被别人占了", "complaint"),
        ("访客车辆乱停在消防通道旁", "complaint"),
    ],
    "SEC-CRIME": [
        ("车库里的电动车被盗", "help"),
        ("家门口快递被偷", "complaint"),
        ("有人在小区打架", "help"),
    ],
    "SEC-OTHER": [
        ("小区围墙有缺口", "complaint"),
        ("外卖员随意进出", "complaint"),
    ],
    "ENV-CLEAN": [
        ("电梯厅保洁不到位", "complaint"),
        ("楼道很脏好几天没打扫", "complaint"),
        ("垃圾桶周围有异味", "complaint"),
    ],
    "ENV-GREEN": [
        ("绿化带杂草多,希望尽快修剪", "suggestion"),
        ("楼下树枝挡住窗户", "complaint"),
        ("草坪枯死一大片", "complaint"),
    ],
    "ENV-PEST": [
        ("蚊虫多,希望消杀", "suggestion"),
        ("地下室有老鼠", "complaint"),
        ("家里发现白蚁", "help"),
    ],
    "ENV-WORKS": [
        ("隔壁装修噪音超时", "complaint"),
        ("周末一早就有电钻声", "complaint"),
        ("小区施工太吵", "complaint"),
    ],
    "ENV-WASTE": [
        ("垃圾清运不及时,楼下有异味", "complaint"),
        ("垃圾站满了没人清运", "complaint"),
        ("建筑垃圾堆了一周", "complaint"),
    ],
    "SVC-ATTITUDE": [
        ("前台人员态度生硬", "complaint"),
        ("客服接电话不耐烦直接挂断", "complaint"),
        ("保安说话很冲", "complaint"),
    ],
    "SVC-ETIQUETTE": [
        ("维修师傅未穿工服", "complaint"),
        ("工作人员上门不敲门", "complaint"),
    ],
    "SVC-ETHICS": [
        ("维修师傅私自收费", "complaint"),
        ("工作人员索要好处费", "complaint"),
    ],
    "SVC-LATE": [
        ("报修三天了一直没人来修", "complaint"),
        ("说好今天处理迟迟没人来", "complaint"),
    ],
    "SVC-REPLY": [
        ("答应的回电一直没有回", "complaint"),
        ("处理结果没有人告知", "complaint"),
        ("投诉后没人回复", "complaint"),
    ],
    "DISP-PET": [
        ("宠物在电梯内便溺无人清理", "complaint"),
        ("邻居遛狗不牵绳", "complaint"),
        ("楼下的狗整夜叫", "complaint"),
    ],
    "DISP-NOISE": [
        ("楼上夜间噪音大,影响休息", "complaint"),
        ("邻居半夜唱歌扰民", "complaint"),
    ],
    "DISP-LEAK": [
        ("楼上卫生间漏水到我家", "complaint"),
        ("楼上漏水把吊顶泡坏了", "complaint"),
    ],
    "DISP-THROW": [
        ("楼上住户高空抛物", "complaint"),
        ("有人从楼上扔烟头", "complaint"),
    ],
    "DISP-OTHER": [
        ("邻居占用公共走道堆放杂物", "complaint"),
        ("邻居在公共区域种菜", "complaint"),
    ],
    "DEV-A1": [
        ("交房后阳台渗水,要求开发商维修", "complaint"),
        ("新房地面空鼓", "complaint"),
    ],
    "DEV-A2": [
        ("房屋质量问题严重要求退房", "complaint"),
        ("墙体开裂要求开发商赔偿", "complaint"),
    ],
    "DEV-B1": [
        ("楼梯扶手高度不符合规范", "complaint"),
        ("设计不符合消防规范", "complaint"),
    ],
    "DEV-B2": [
        ("户型采光太差影响居住", "complaint"),
        ("层高比宣传的低", "complaint"),
    ],
    "DEV-B3": [
        ("小区规划与销售承诺不符", "complaint"),
        ("承诺的幼儿园配套没有建", "complaint"),
    ],
    "DEV-SALES": [
        ("售楼时承诺的赠送面积没有兑现", "complaint"),
        ("销售宣传虚假", "complaint"),
    ],
    "FEE-MGMT": [
        ("物业服务费账单金额有疑问", "consultation"),
        ("多收了一个月的管理费", "complaint"),
        ("物业费催缴太频繁", "complaint"),
    ],
    "FEE-PARK": [
        ("咨询停车月租价格", "consultation"),
        ("临停收费太贵", "complaint"),
    ],
    "FEE-UTIL": [
        ("水电费公摊不合理", "complaint"),
        ("这个月水费突然很高", "consultation"),
    ],
    "FEE-PRICE": [
        ("物业费涨价没有公示", "complaint"),
        ("收费标准调整要业主同意吗", "consultation"),
    ],
    "FEE-REPAIR": [
        ("有偿维修收费标准不清楚", "consultation"),
        ("换个水龙头收费太高", "complaint"),
    ],
    "OTHER-OTHER": [
        ("快递柜数量不足,建议增加", "suggestion"),
        ("咨询小区活动报名方式", "consultation"),
        ("表扬维修师傅上门及时", "praise"),
        ("希望增加儿童游乐设施", "suggestion"),
    ],
}
SINCE = [
    "",
    "",
    "昨晚开始,",
    "今天早上发现,",
    "最近一周,",
    "已经持续三天,",
    "这两天,",
    "下雨后,",
]
WHERE = [
    "",
    "",
    "",
    "3栋",
    "2单元",
    "地下车库",
    "12楼",
    "东门",
    "中心花园",
    "我家",
]
ASKS = [
    "请尽快安排处理。",
    "已多次反映,希望尽快解决。",
    "请回电告知进度。",
    "",
    "麻烦尽快处理,谢谢。",
    "希望物业给个说法。",
    "请派人上门查看。",
]
#: Share of requests filed under a neighbouring category (the same parent), as agents do.
MISFILED = 0.05


def problems() -> dict[str, list[tuple[str, str]]]:
    """Every category's problems: the phrases above and the starter cases' problems and
    situations (as complaints)."""
    pool = {code: list(items) for code, items in PHRASES.items()}
    for code, title, scenarios in STARTER:
        pool.setdefault(code, []).append((title, "complaint"))
        pool[code] += [(s[0], "complaint") for s in scenarios if s[0]]
    return pool


def description(rng: random.Random, problem: str) -> str:
    return f"{rng.choice(SINCE)}{rng.choice(WHERE)}{problem},{rng.choice(ASKS)}".strip(",")


def closed_tickets(
    *,
    company,
    project,
    registered_by,
    n: int,
    start: datetime,
    seed: int = 7,
    categories: list[str] | None = None,
) -> int:
    """``n`` closed requests of ``project`` received from ``start`` on, written in batches."""
    rng = random.Random(seed)
    pool = problems()
    by_code = {c.code: c for c in Category.objects.filter(code__in=list(pool))}
    codes = [c for c in (categories or sorted(pool)) if c in by_code]
    siblings: dict[str, list[str]] = {}
    for code in codes:
        siblings[code] = [c for c in codes if c.split("-")[0] == code.split("-")[0] and c != code]
    made = 0
    while made < n:
        batch = []
        for i in range(made, min(n, made + 2000)):
            code = rng.choice(codes)
            problem, kind = rng.choice(pool[code])
            filed = code
            if siblings[code] and rng.random() < MISFILED:
                filed = rng.choice(siblings[code])
            at = start + timedelta(minutes=37 * i)
            batch.append(
                Ticket(
                    number=f"S{seed}-{i:07d}",
                    company=company,
                    project=project,
                    kind=kind,
                    channel=Channel.PHONE,
                    category=by_code[filed],
                    status=Status.CLOSED,
                    reporter_type=ReporterType.RESIDENT,
                    description=description(rng, problem),
                    received_at=at,
                    registered_at=at,
                    registered_by=registered_by,
                    closed_at=at + timedelta(days=1),
                )
            )
        Ticket.objects.bulk_create(batch)
        made += len(batch)
    return made
