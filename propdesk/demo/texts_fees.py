"""Complaints about fees and prices, the developer, and works outside the estate."""

from propdesk.tickets.choices import Channel, Kind, Nature

from .scenarios import ANONYMOUS, HOME, RESIDENT, SITE, Scenario

C = Kind.COMPLAINT

FEE_AND_DEVELOPER_COMPLAINTS = (
    Scenario(
        "mgmt_fee",
        C,
        "FEE-MGMT",
        "CS",
        "物业费账单异议",
        (
            "对{month}月物业费账单有异议,房子一直空置没人住,认为空置期间应该减收,物业却按全额收取。",
            "收到物业费催缴短信,但业主上个月已经通过公众号交过费,要求核实并道歉。",
            "认为物业服务没有达到合同标准(楼道脏、电梯经常坏),物业费不应该全额收取。",
        ),
        ("要求减免或核实费用", "要求说明收费依据"),
        (
            "已向业主解释物业服务合同中空置房不减免的约定,并出示合同条款,业主表示理解。",
            "财务核实业主{month}月已缴费,系系统对账延迟导致误发催缴,已致歉并出具缴费证明。",
            "项目经理上门沟通,针对业主提出的楼道卫生、电梯故障问题制定整改计划,承诺每月公示整改进度,业主同意按时缴费。",
        ),
        (),
        where=HOME,
        nature=Nature.INVALID,
        weight=2,
        disagreement=(
            "物业服务费按业主大会通过的物业服务合同收取,空置房不减免有明确约定;项目经理两次上门沟通,业主仍要求减免,公司坚持按合同执行,保留沟通记录。",
        ),
        owners_only=True,
    ),
    Scenario(
        "parking_fee_up",
        C,
        "FEE-PRICE",
        "CS",
        "停车费上调",
        (
            "小区地下车库月租停车费从{fee_old}元涨到{fee_new}元,业主认为涨价没有征求业主意见,要求说明依据。",
            "车位由不固定改为固定,月租随之上调,业主认为是变相涨价,物业无权单方面调整。",
        ),
        ("不同意涨价,要求维持原价", "要求公示调价依据和成本构成"),
        (
            "已向业主说明调价系停车方式由非固定变更为固定,并配套道闸升级、增加巡逻岗和照明改造,价格与周边小区持平,已公示30天;业主表示理解。",
        ),
        (),
        where=SITE,
        place="地下车库",
        nature=Nature.INVALID,
        hot=True,
        weight=2,
        channels=(Channel.PHONE, Channel.VISIT, Channel.WEB, Channel.LETTER, Channel.GOVERNMENT),
        disagreement=(
            "停车费调整已在各单元大堂及公告栏公示30天并按规定报备,客服主管与项目经理先后三次沟通解释成本构成,业主仍不接受。公司按公示标准执行,保留公示照片、沟通记录及业主签收的告知书。",
        ),
    ),
    Scenario(
        "water_bill",
        C,
        "FEE-UTIL",
        "CS",
        "水费异常偏高",
        ("家里只有两个人住,{month}月水费却比平时多了一倍多,怀疑水表有问题或者抄错了。",),
        ("要求核查水表读数", "要求退还多收的费用"),
        (
            "工程部现场核对水表读数无误,关闭全部用水点后水表仍在走,查出马桶进水阀关不严长流水,已告知业主维修。",
            "复核发现抄表员误将{up}的读数录入,已更正账单并退还多收水费,向业主致歉。",
        ),
        (),
        where=HOME,
        nature=Nature.INVALID,
        also="ENG",
    ),
    Scenario(
        "dev_wall_leak",
        C,
        "DEV-A1",
        "HQ-DEV",
        "外墙渗水",
        (
            "收楼不到两年,{since}下雨时客厅外墙内侧渗水,墙皮起鼓发霉,要求开发商保修。",
            "飘窗窗框四周渗水,一下雨窗台就积水,之前找过开发商售后,一直没有处理。",
        ),
        ("要求开发商尽快维修", "要求赔偿墙面及家具损失"),
        ("已将情况报地产客服对接组,开发商维修单位对外墙打胶、窗框重新做防水,经两场雨观察无渗漏。",),
        ("已将渗水照片及位置报地产客服对接组,开发商安排维修单位勘查。",),
        where=HOME,
        nature=Nature.ASSIST,
        suspend=("等待开发商维修单位排期,需吊篮作业,待天气晴好施工",),
        beyond=(
            "外墙防水属开发商保修责任,物业已将问题正式函告开发商并抄送业主,后续由开发商与业主直接对接,物业协助跟进。",
        ),
        owners_only=True,
    ),
    Scenario(
        "dev_sales_promise",
        C,
        "DEV-SALES",
        "HQ-DEV",
        "销售承诺未兑现",
        (
            "买房时销售承诺小区会建室内泳池和幼儿园,现在入住两年了都没动静,要求物业给答复。",
            "售楼时说{bld}旁边是绿化公园,现在却在建配电房,业主认为开发商虚假宣传。",
        ),
        ("要求兑现销售承诺", "要求开发商出面解释"),
        (),
        (),
        where=SITE,
        place="小区配套",
        reporters=(RESIDENT, ANONYMOUS),
        nature=Nature.ASSIST,
        channels=(Channel.VISIT, Channel.LETTER, Channel.WEB, Channel.MEDIA, Channel.GOVERNMENT),
        beyond=(
            "销售承诺属开发商与购房人之间的合同事项,物业无权答复;已将业主诉求书面转交开发商客服部,并告知业主开发商的联系方式和答复时限。",
        ),
        weight=1,
        owners_only=True,
    ),
    Scenario(
        "outside_construction",
        C,
        "ENV-WORKS",
        "SEC",
        "小区外夜间施工噪音",
        (
            "小区外面的地铁工地{since}每天晚上施工到凌晨,打桩声音特别大,家里老人孩子都睡不好。",
            "{gate}外面的市政道路在挖路,晚上十二点还有大车进出,噪音和灰尘都很大。",
        ),
        ("要求物业出面让工地停止夜间施工",),
        (),
        ("已联系施工单位项目部,对方称已办理夜间施工许可。",),
        where=SITE,
        place="{gate}外",
        reporters=(RESIDENT, ANONYMOUS),
        night=0.7,
        channels=(Channel.PHONE, Channel.WECHAT, Channel.GOVERNMENT),
        beyond=(
            "施工工地位于小区红线外,夜间施工由住建及生态环境部门审批监管,物业无权干预;已告知业主可拨打12345或环保热线投诉,并将施工单位联系电话提供给业主。",
        ),
        nature=Nature.ASSIST,
    ),
)
