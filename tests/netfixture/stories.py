"""Story texts of the fixture news network, written for these tests (no real outlet's copy).

Chinese texts are written in Simplified; the Taiwan outlet renders them through opencc s2twp
(Taiwan characters and phrasing), which is also how its originals reach the mainland portal.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoryText:
    key: str
    lang: str
    title: str
    published: str  # ISO 8601 with offset
    byline: str
    paragraphs: tuple[str, ...]


ZH = [
    StoryText(
        "z1-faceswap-fraud", "zh",
        "警方破获一起利用AI换脸实施视频诈骗案 涉案金额430余万元",
        "2026-03-09T10:32:00+08:00", "记者 刘晓宁",
        (
            "本报讯 3月8日，记者从江城市公安局获悉，该局近日成功破获一起利用人工智能“换脸”技术实施电信网络诈骗的案件，抓获犯罪嫌疑人6名，涉案金额达430余万元。",
            "据办案民警介绍，今年1月，某科技公司财务人员陈女士接到“公司老板”发起的视频通话，对方称正在外地洽谈合作，急需支付一笔保证金。由于视频中的人脸和声音与老板几乎一模一样，陈女士没有多想，先后分三次向指定账户转账共计430万元。事后与老板本人核实，陈女士才发现被骗，随即报警。",
            "警方调查发现，犯罪团伙事先通过社交平台收集受害企业负责人的公开视频和语音资料，利用深度合成软件生成可以实时驱动的“数字人”，再冒充老板与财务人员进行视频通话。整个通话仅持续不到一分钟，对方以“信号不好”为由迅速挂断，随后通过即时通讯软件催促转账。",
            "经过两个月的侦查，专案组在广东、福建两地同步收网，现场查获用于换脸的电脑主机、显卡等作案工具一批，冻结涉案资金210余万元。目前，犯罪嫌疑人已被依法采取刑事强制措施，案件正在进一步侦办中。",
            "警方提醒，面对涉及转账汇款的视频或语音请求，务必通过电话回拨、当面确认等多种渠道核实对方身份；企业应建立大额支付双人复核制度，不要因为“熟人”的声音和面孔就放松警惕。",
        )),
    StoryText(
        "z2-undress-apps", "zh",
        "多部门集中整治“一键脱衣”类应用 下架违规产品132款",
        "2026-03-10T09:15:00+08:00", "记者 周静",
        (
            "本报北京3月10日电 记者从国家网信部门获悉，针对近期网络上出现的利用人工智能技术生成他人不雅图像的“一键脱衣”类应用，网信、公安、工信等部门近日联合开展专项整治，已督促应用商店下架违规产品132款，关闭相关网站和账号2400余个。",
            "据了解，这类应用往往打着“AI修图”“智能换装”的旗号，用户只需上传一张他人的生活照，即可生成虚假的裸露图片。一些不法分子将生成的图片用于敲诈勒索、造谣诽谤，不少受害者是在校学生和年轻女性。",
            "有关负责人表示，根据《互联网信息服务深度合成管理规定》，任何组织和个人不得利用深度合成服务制作、复制、发布、传播虚假信息，深度合成服务提供者应当对生成内容进行显著标识。此次整治中发现，部分应用既未履行算法备案手续，也未对生成内容添加标识。",
            "专项整治将持续到今年6月底，重点清理提供“换脸”“脱衣”等功能的小程序、插件和境外网站访问渠道，并对传播相关教程、出售生成服务的账号依法予以处置。",
            "法律专家提醒，利用技术手段生成他人不雅图片并传播，可能构成侵犯肖像权、名誉权，情节严重的还可能涉嫌制作、传播淫秽物品罪。受害者应及时保存证据，向平台投诉并向公安机关报案。",
        )),
    StoryText(
        "z3-fake-explosion", "zh",
        "男子用AI编造“化工厂爆炸”虚假视频被行政拘留",
        "2026-03-11T16:48:00+08:00", "记者 王喆",
        (
            "3月11日，临江县公安局发布警情通报，一名男子为博取流量，利用人工智能软件编造“临江化工厂发生爆炸”的虚假视频并在多个平台发布，目前已被依法处以行政拘留十日。",
            "通报显示，3月9日晚，网络上出现一段显示工厂冒出浓烟、伴有爆炸声的短视频，配文称“临江化工园区发生大爆炸，死伤不明”。视频在短时间内被转发上万次，引发当地群众恐慌，不少居民打电话向亲友询问情况。",
            "经警方核查，当天临江化工园区生产秩序正常，并未发生任何爆炸或火灾事故。网安民警随即开展调查，很快锁定发布者王某。据王某交代，他从网上下载了一款视频生成软件，输入文字描述后自动生成了这段画面，再配上从其他视频中截取的爆炸声音，“就是想涨点粉丝”。",
            "警方表示，利用人工智能生成虚假险情、灾情信息并传播，扰乱公共秩序，将依法追究法律责任。广大网民应自觉抵制网络谣言，对来源不明的信息不转发、不传播，发现疑似虚假信息可通过官方渠道举报。",
        )),
    StoryText(
        "z4-high-speed-rail", "zh",
        "江城至临海高速铁路今日开通运营 两地最快48分钟通达",
        "2026-03-12T09:05:00+08:00", "记者 孙海涛",
        (
            "3月12日上午9时，随着G8801次列车从江城东站缓缓驶出，江城至临海高速铁路正式开通运营。这条线路全长186公里，设计时速350公里，沿途设置8座车站，两地间最快旅行时间由原来的2小时压缩至48分钟。",
            "江临高铁于2021年底开工建设，线路穿越丘陵和水网密集地区，全线桥梁隧道占比超过七成。建设过程中，施工单位攻克了软土地基沉降控制、跨江大桥深水基础施工等多项技术难题。",
            "铁路部门介绍，开通初期每天安排开行动车组列车42对，高峰时段将增开临时列车。沿线的临海南站、石湾站还与城市公交、长途客运实现了无缝换乘，旅客出站后步行即可到达公交枢纽。",
            "当地居民表示，高铁开通后去临海上班、看病都方便多了。业内人士认为，江临高铁将进一步带动沿线旅游和产业发展，促进区域经济一体化，沿线多个县市已着手规划站前片区开发。",
        )),
    StoryText(
        "z5-voice-clone-grandson", "zh",
        "诈骗集团用AI复制孙子声音 八旬老翁险被骗走80万元",
        "2026-03-08T14:20:00+08:00", "记者林佩君／台中报导",
        (
            "台中市一名八十二岁的陈姓老翁，日前接到自称是孙子的来电，电话那头的声音哭着说自己开车撞伤了人，急需八十万元和解金。所幸银行行员察觉有异，及时通报警方，才阻止这起利用人工智能语音复制技术的诈骗。",
            "警方调查，陈翁的孙子平时常在社群平台上传影片，诈骗集团疑似从影片中撷取声音样本，再以AI语音合成软件模仿其口音与语气。陈翁表示，电话里的声音「跟我孙子一模一样」，连称呼他的方式都相同，因此完全没有怀疑。",
            "陈翁随后前往住家附近的银行，准备提领定存解约后的现金。行员见他神情慌张，又坚持领取大笔现金，便依照关怀提问流程询问用途，发现疑点后立即联系辖区派出所。员警到场后协助陈翁拨打孙子的手机，才确认孙子正在学校上课，根本没有发生车祸。",
            "刑事警察局统计，去年全台涉及AI变声、深伪影像的诈骗案件超过三百件，财损逾新台币四亿元。警方呼吁民众与家人事先约定「通关密语」，接到亲友紧急借钱的电话时，务必先挂断再以原本的号码回拨查证，也可拨打165反诈骗专线咨询。",
        )),
    StoryText(
        "z6-celebrity-deepfake-ads", "zh",
        "深伪影片冒用名人推销投资群组 数位部要求平台24小时内下架",
        "2026-03-10T11:40:00+08:00", "记者黄思妤／台北报导",
        (
            "近期社群平台上大量出现冒用知名企业家与财经主持人的深伪影片，影片中的「名人」以逼真的口吻邀请民众加入股票投资群组，不少人因此误信而投入积蓄。数位发展部10日表示，已要求相关平台在接获通知后24小时内下架违法广告。",
            "数位部指出，这类影片多半是利用公开演讲或访谈画面，透过AI技术替换嘴型并合成声音，再投放为付费广告。民众点击后会被引导加入通讯软体群组，由自称「助理」的成员推荐特定投资平台，初期让被害人小额获利，之后便以各种理由拒绝出金。",
            "根据诈欺犯罪危害防制条例，网路广告平台业者须核实广告委托刊登者的身分，并揭露广告是否使用深度伪造技术制作。数位部表示，今年以来已通报平台移除涉诈广告逾十二万则，对未依规定处理的业者将依法开罚。",
            "遭冒用的企业家也透过律师发表声明，强调自己从未开设任何投资群组，呼吁民众切勿相信网路上以其名义推荐股票的影片，并已对不明人士提出告诉，希望平台业者负起把关责任。",
        )),
    StoryText(
        "z7-metro-ring-line", "zh",
        "捷运环状线北环段动工 预计2031年通车",
        "2026-03-11T10:10:00+08:00", "记者陈建宏／新北报导",
        (
            "新北市捷运环状线北环段11日举行动工典礼，路线自新北产业园区站向北延伸，经五股、泰山、新庄至士林，全长约十五公里，设置十二座车站，预计2031年完工通车。",
            "市府表示，北环段完工后，将与既有的环状线第一阶段串联，旅客由新店前往士林的时间可缩短约二十分钟。沿线多处地区过去只能依赖公车与汽机车通勤，捷运通车后可望改善尖峰时段的交通壅塞。",
            "工程单位说明，北环段有部分路段须穿越淡水河与基隆河，将采用潜盾工法施工，施工期间会分阶段进行交通维持，并在各工区设置监测系统，随时掌握邻近建物的沉陷情形。",
            "地方民众对于捷运动工普遍表示期待，但也有居民担心施工噪音与围篱影响店家生意。市府承诺将设置单一窗口受理陈情，并定期召开施工说明会，让居民了解工程进度。",
        )),
    StoryText(
        "z8-spring-rain", "zh",
        "多地迎来大范围降雨降温 局地伴有强对流天气",
        "2026-03-12T07:30:00+08:00", "聚合新闻网综合",
        (
            "中央气象台3月12日发布消息，受冷暖空气共同影响，未来三天我国中东部地区将出现今年以来范围最广的一次降雨过程，江南、华南北部部分地区有大到暴雨，局地伴有雷暴大风和冰雹等强对流天气。",
            "气象专家介绍，此次降雨过程持续时间长、累计雨量大，湖南、江西、浙江等地部分地区累计降雨量可达80至120毫米。与此同时，北方地区气温将下降6至8摄氏度，部分地区还将出现大风天气。",
            "农业部门提醒，当前正值春耕春播关键时期，南方地区要及时清沟排渍，防范连阴雨对早稻育秧的不利影响；北方冬麦区则要抓住降温前的有利时机开展田间管理。",
            "交通运输部门表示，降雨期间部分高速公路可能出现团雾和路面湿滑，驾驶人应减速慢行、保持车距，出行前可通过官方渠道查询实时路况。",
        )),
    StoryText(
        "z9-thesis-ai-rules", "zh",
        "多所高校出台新规 学位论文须申报生成式人工智能使用情况",
        "2026-03-13T15:20:00+08:00", "记者 何雯",
        (
            "记者近日了解到，江城大学、临海理工学院等多所高校相继出台学位论文管理新规，要求学生在提交论文时如实申报生成式人工智能工具的使用情况，对使用AI代写论文、伪造实验数据等行为将按学术不端严肃处理。",
            "根据新规，学生可以借助人工智能工具进行文献检索、语言润色和代码调试，但须在论文附录中列明所使用的工具名称、用途和涉及的章节。论文的研究设计、数据分析和主要结论必须由学生本人完成。",
            "江城大学研究生院负责人表示，去年学校在论文抽检中发现，有少数论文存在大段由人工智能生成、内容空洞甚至引用不存在文献的情况。新规的目的不是禁止使用新技术，而是让使用过程公开透明、可追溯。",
            "有教育专家认为，高校在规范使用的同时，也应加强对学生的信息素养教育，引导学生正确认识人工智能工具的局限性，培养独立思考和学术写作能力。",
        )),
]

EN = [
    StoryText(
        "e1-robocall", "en",
        "Deepfake robocall mimicking governor urged voters to skip primary, officials say",
        "2026-03-09T15:04:00+00:00", "Maria Delgado",
        (
            "State election officials said Monday they had opened an investigation into thousands of automated phone calls that used an artificially generated voice resembling Governor Ellen Park to tell Democratic voters to stay home during Tuesday's primary.",
            "The calls, which began circulating on Saturday evening, told recipients that voting in the primary would make them ineligible to vote in November, a claim the secretary of state's office called false and illegal. Officials estimated that at least 20,000 households received the message.",
            "Audio analysts hired by the state said the recording bore the hallmarks of voice-cloning software, including unnatural pauses between phrases and a flat emotional register. The calls were routed through a small telecommunications provider in another state, which said it had suspended the customer responsible.",
            "\"This is voter suppression with a new tool,\" Attorney General Samuel Okafor told reporters. \"Whoever paid for these calls should expect to answer for it.\" His office has sent cease-and-desist letters to two companies and asked the Federal Communications Commission for help tracing the source.",
            "Voting-rights groups urged residents to rely only on official election websites and to report any suspicious calls. The governor's campaign said she had never recorded any message discouraging people from voting.",
        )),
    StoryText(
        "e2-nudify-school", "en",
        "Parents demand action after students' photos turned into fake nudes with 'nudify' app",
        "2026-03-10T12:30:00+00:00", "Priya Raman",
        (
            "Dozens of parents packed a school board meeting on Tuesday night to demand stronger action after fabricated nude images of at least 14 students at Lakeview High School were shared in group chats over the past month.",
            "According to the district, the images were created by uploading ordinary photos taken from social media accounts to a so-called nudify website, which uses generative artificial intelligence to produce realistic explicit pictures of the person shown. Most of the victims are girls aged 14 to 16.",
            "Superintendent Laura Chen said two students had been suspended and the case had been referred to police. But several parents said the school had been slow to inform families and had not offered counseling until the images had already spread widely.",
            "\"My daughter did nothing except post a picture from her birthday,\" one mother told the board, her voice breaking. \"Now she does not want to go to school.\"",
            "State lawmakers are considering a bill that would make creating or distributing sexually explicit deepfakes of minors a felony and would require websites offering such tools to block uploads of images of children. Similar laws have been passed in more than a dozen states.",
        )),
    StoryText(
        "e3-ai-citations", "en",
        "Judge fines law firm over brief with AI-invented case citations",
        "2026-03-11T18:20:00+00:00", "Thomas Becker",
        (
            "A federal judge on Wednesday fined a Chicago law firm $15,000 after it filed a brief citing six court decisions that do not exist, the latest in a series of cases in which lawyers have been caught relying on chatbots without checking their output.",
            "In a 22-page order, Judge Rebecca Alvarez wrote that the fabricated citations, which included invented quotations attributed to appellate judges, had wasted the court's time and the opposing party's resources. The firm admitted that a junior associate had used a generative AI tool to draft the research section.",
            "The judge also ordered the two lawyers who signed the brief to complete training on the responsible use of technology and to send a copy of her order to every judge falsely named as the author of a fake opinion.",
            "Legal ethics experts said the ruling reflected growing impatience among judges. \"The tools are not going away, but the duty to verify every citation never went away either,\" said Professor Hannah Weiss of Northwestern University.",
        )),
    StoryText(
        "e4-bike-lanes", "en",
        "City council approves $40 million plan for protected bike lanes",
        "2026-03-11T21:00:00+00:00", "Kevin O'Brien",
        (
            "The city council voted 9 to 4 on Wednesday to approve a $40 million plan that will add 35 miles of protected bike lanes over the next five years, the largest expansion of the city's cycling network to date.",
            "The plan, championed by Mayor Angela Ruiz, will separate bike lanes from traffic with concrete curbs on major corridors including Grand Avenue and Harbor Boulevard, where three cyclists were killed in crashes last year.",
            "Business owners along some of the affected streets opposed the plan, arguing that the loss of curbside parking would hurt small shops. The council added an amendment requiring the transportation department to study loading zones before construction begins on each segment.",
            "Cycling advocates celebrated the vote but said they would keep pressing for faster construction. Work on the first four miles is expected to start in the summer.",
        )),
    StoryText(
        "e5-video-call-heist", "en",
        "Finance worker wired $2.1 million after video call with deepfaked executives",
        "2026-03-12T08:15:00+00:00", "Daniel Wong",
        (
            "A finance employee at a multinational logistics company transferred $2.1 million to fraudsters after joining a video conference in which every other participant, including the company's chief financial officer, was a digital fake, police said on Thursday.",
            "The employee had initially been suspicious of an email asking for a confidential transaction, but his doubts faded during the call because the people on screen looked and sounded like colleagues he knew, according to a police spokesperson. He made 11 transfers to five bank accounts over the following week.",
            "Investigators believe the scammers built the fake participants from publicly available videos of the executives speaking at industry events and earnings calls. The fraud was discovered only when the employee followed up with the company's head office.",
            "Police said the case showed that video calls could no longer be treated as proof of identity, and urged companies to confirm large payment requests through a separate, pre-agreed channel.",
        )),
    StoryText(
        "e7-storm-outage", "en",
        "Spring storm knocks out power to 80,000 homes across the region",
        "2026-03-08T06:45:00+00:00", "Staff reporter",
        (
            "A fast-moving line of thunderstorms swept through the region late Saturday, toppling trees and power lines and leaving about 80,000 homes and businesses without electricity at the height of the outages.",
            "The National Weather Service recorded wind gusts of up to 70 miles per hour near the airport, and confirmed that a brief tornado touched down in a wooded area north of the county line. No serious injuries were reported.",
            "Utility crews worked through the night, and by Sunday afternoon power had been restored to all but 12,000 customers. The utility said some households in rural areas might remain without service until Tuesday.",
            "Emergency managers reminded residents to stay away from downed lines and to run generators only outdoors, away from windows and doors.",
        )),
    StoryText(
        "e8-ad-labels", "en",
        "Election officials roll out tool to flag AI-generated campaign ads",
        "2026-03-13T14:00:00+00:00", "Maria Delgado",
        (
            "Election officials on Friday launched a public portal where voters can report political advertisements they suspect were created or altered with artificial intelligence, weeks after a deepfake robocall targeted voters during the primary.",
            "Under rules adopted last year, campaigns must label any advertisement that uses synthetic images, audio or video of a real person. The new portal lets officials track complaints and send takedown requests to broadcasters and online platforms within hours.",
            "Officials said reports would be reviewed by a small team of analysts working with university researchers, and that confirmed violations would be published on the secretary of state's website.",
            "Civil liberties groups said they supported transparency but warned that the system should not be used to silence satire or legitimate criticism of candidates.",
        )),
]

# A draft behind robots.txt: if the crawler ever asks for it, the disallow test fails.
DRAFT = StoryText(
    "e6-draft", "en", "DRAFT: embargoed story — do not publish", "2026-03-14T00:00:00+00:00",
    "Desk", ("This draft must never be fetched by a polite crawler.",) * 4)

STORIES = {s.key: s for s in ZH + EN + [DRAFT]}
