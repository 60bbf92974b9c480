"""Sample documents used by the document-engine tests (and handy for eyeballing the output)."""

from __future__ import annotations

import datetime as dt

from mediation_desk.documents import (
    LEDGER_SIGNATURE_LINE,
    Cell,
    Column,
    Document,
    Field,
    FieldGrid,
    Group,
    Heading,
    NumberedParagraphs,
    PageSetup,
    Paragraph,
    Run,
    SignatureBlock,
    Table,
    checkboxes,
    copies_line,
    date_cn,
    fill_blank,
)

RARE = ("𠮷", "喆", "堃")
AGREEMENT_DATE = dt.date(2026, 11, 27)

# values that must be found in the output
LETTER_VALUES = [
    "吉𠮷祥",
    "王喆",
    "李堃",
    "（2026）青调字第018号",
    "3301**********1234",
    "青山镇青山村三组17号",
    "青山镇青山村人民调解委员会",
    "2026年11月27日",
]
LETTER_LABELS = ["申请人", "被申请人", "性别", "年龄", "身份证号", "联系电话", "住址", "代理人"]
DETAIL_COLUMNS = ["序号", "项目", "数量", "金额（元）", "备注"]


def letter_sample(detail_rows: int = 90) -> Document:
    parties = FieldGrid(
        rows=[
            [Field("申请人", "吉𠮷祥"), Field("性别", "男"), Field("年龄", 45)],
            [Field("身份证号", "3301**********1234", span=3), Field("联系电话", None)],
            [Field("住址", "青山镇青山村三组17号", span=5)],
            [Field("被申请人", "王喆"), Field("性别", "女"), Field("年龄", "")],
            [Field("身份证号", None, span=3), Field("联系电话", "138****5678")],
            [Field("住址", None, span=5)],
            [Field("代理人", None, span=5)],
        ],
        col_widths=[1.2, 1.6, 0.8, 1.0, 1.0, 1.6],
    )
    detail = Table(
        columns=[
            Column("序号", 0.6),
            Column("项目", 2.2, "left"),
            Column("数量", 0.8),
            Column("金额（元）", 1.2, "right"),
            Column("备注", 1.6, "left"),
        ],
        rows=[
            [i, f"青苗损失第{i}项（李堃承包地）", i % 7 + 1, f"{(i * 37) % 900 + 100}.00", None if i % 3 else "已核对"]
            for i in range(1, detail_rows + 1)
        ],
    )
    return Document(
        title="人民调解协议书",
        number_line="（2026）青调字第018号",
        page=PageSetup(layout="letter"),
        meta={"author": "青山村人民调解委员会"},
        blocks=[
            parties,
            Heading("一、纠纷主要事实、争议事项", 1),
            Paragraph(
                "申请人吉𠮷祥与被申请人王喆系青山村三组邻居。2026年10月，被申请人在自家承包地边修建排水沟，"
                "沟渠占用申请人承包地约0.3亩，并致申请人种植的青苗受损。双方多次协商未果，申请人于2026年11月3日"
                "向本委员会申请调解。第三人李堃系该地块原承包人，对地界走向知情。"
            ),
            Paragraph("经调查，排水沟确有部分占用申请人承包地，青苗损失清单见附表（共" f"{detail_rows}项）。"),
            Heading("二、各方责任", 1),
            Heading("（一）被申请人的责任", 2),
            Paragraph("被申请人未与相邻方协商即施工，应承担主要责任。"),
            Heading("（二）申请人的责任", 2),
            Paragraph("申请人发现施工后未及时提出异议，承担次要责任。"),
            Heading("三、协议内容", 1),
            NumberedParagraphs(
                [
                    "被申请人于2026年12月15日前将排水沟改道至自家承包地内，恢复申请人承包地原状；",
                    "被申请人一次性赔偿申请人青苗损失人民币3,600元，于协议签订之日起十日内付清；",
                    "双方今后相邻用水、通行互相提供便利，不再因此事发生纠纷。",
                ],
                style="1.",
            ),
            Heading("四、履行方式、地点和期限", 1),
            Paragraph(["赔偿款以现金方式在", fill_blank("村委会"), "当面交付，由", fill_blank(None, 4), "见证。"]),
            Paragraph(f"是否申请司法确认：{checkboxes(['是', '否'], '是')}"),
            Paragraph(copies_line(2)),
            Heading("附表：青苗损失清单", 3),
            detail,
            Group(
                [
                    Paragraph("（以下无正文）", indent_first=True),
                    SignatureBlock(
                        lines=[
                            ("申请人（签名/按指印）", ""),
                            ("被申请人（签名/按指印）", ""),
                            ("调解员（签名）", "赵昇"),
                            ("记录人（签名）", ""),
                        ],
                        columns=2,
                        seal_unit="青山镇青山村人民调解委员会",
                        date_text=date_cn(AGREEMENT_DATE),
                    ),
                ]
            ),
        ],
    )


LEDGER_LABELS = ["序号", "编号", "排查日期", "当事人", "姓名", "身份证号", "联系电话", "事件名称", "类别", "基本情况", "风险等级", "责任人", "化解状态", "备注"]


def ledger_sample(rows: int = 60, size: str = "A4") -> Document:
    cols = [
        Column("序号", 0.5),
        Column("编号", 1.3),
        Column("排查日期", 1.1),
        Column("姓名", 0.8),
        Column("身份证号", 1.6),
        Column("联系电话", 1.2),
        Column("事件名称", 1.6, "left"),
        Column("类别", 0.9),
        Column("基本情况", 3.0, "left"),
        Column("风险等级", 0.6),
        Column("责任人", 0.8),
        Column("化解状态", 0.8),
        Column("备注", 0.8, "left"),
    ]
    data = []
    names = ["吉𠮷祥", "王喆", "李堃", "赵昇", "钱镕", "孙丽"]
    cats = ["邻里", "婚姻家庭", "山林土地", "损害赔偿"]
    for i in range(1, rows + 1):
        data.append(
            [
                i,
                f"（2026）青排字第{i:03d}号",
                date_cn(dt.date(2026, 11, 1 + i % 28)),
                names[i % len(names)],
                "3301**********%04d" % (1000 + i),
                None if i % 4 == 0 else "139****%04d" % i,
                f"第{i}号宅基地边界纠纷",
                cats[i % len(cats)],
                "双方因宅基地边界及排水问题发生争执，网格员排查发现后上报，已组织双方现场查看。" * (1 + i % 2),
                ["高", "中", "低"][i % 3],
                "周文",
                "化解中" if i % 5 else "已化解",
                "",
            ]
        )
    return Document(
        title="青山镇矛盾纠纷排查化解台账（2026年11月）",
        page=PageSetup(size=size, layout="ledger"),
        header_line=("填报单位（盖章）：青山镇综治中心", f"填报时间：{date_cn(AGREEMENT_DATE)}"),
        footer_line=LEDGER_SIGNATURE_LINE,
        blocks=[
            Table(
                columns=cols,
                rows=data,
                header_groups=[
                    ("序号", 1), ("编号", 1), ("排查日期", 1), ("当事人", 3), ("事件名称", 1), ("类别", 1),
                    ("基本情况", 1), ("风险等级", 1), ("责任人", 1), ("化解状态", 1), ("备注", 1),
                ],
            )
        ],
    )


def form_sample() -> Document:
    return Document(
        title="人民调解受理登记表",
        page=PageSetup(layout="form"),
        number_line="编号：（2026）青调字第018号",
        blocks=[
            FieldGrid(
                rows=[
                    [Cell("当\n事\n人", rowspan=3, kind="label"), Field("姓名", "吉𠮷祥"), Field("性别", None), Field("年龄", None)],
                    [Field("住址", "青山镇青山村三组17号", span=5)],
                    [Field("联系电话", None, span=5)],
                    [Field("纠纷简要情况", "宅基地边界纠纷。", label_span=2, span=5, min_height_mm=45)],
                    [Field("受理意见", None, label_span=2, span=5, min_height_mm=25)],
                    [Field("登记人", None, label_span=2), Field("登记日期", None, span=3)],
                ],
                col_widths=[0.6, 1.0, 1.6, 0.7, 0.9, 0.8, 1.2],
            ),
            Paragraph([Run("说明："), Run("本表由调解委员会填写，当事人核对后签名。")], indent_first=False),
        ],
    )
