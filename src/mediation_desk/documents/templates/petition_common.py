"""What the petition notices (信访文书) print from, and the phrases they share.

:class:`PetitionView` is plain data made by ``services/petitions.notice_view`` out of a petition,
its petitioners and its timeline (labels resolved, the statutory dates computed, ID numbers and
phones masked on request). No queries and no Qt here, so a notice can be built from a hand-made
view in a test. Whatever is missing prints as an underlined blank to fill by hand, never "None".

The wording follows 《信访工作条例》(2022): 处理意见书 states the request, the facts and reasons,
the decision (支持 / 解释说明 / 不予支持) with its legal basis, and the right to ask for a review
within 30 days (第三十二条、第三十五条); the re-review ends the procedure — the same matter on the same
facts and reasons is not accepted again (第三十六条).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..model import Document, PageSetup, Paragraph, Run, SignatureBlock, date_cn, fill_blank, text_of

FULL = "\u3000"

#: Articles of 《信访工作条例》 quoted on the notices.
ART_HANDLING = "《信访工作条例》第三十四条"
ART_REVIEW = "《信访工作条例》第三十五条"
ART_REREVIEW = "《信访工作条例》第三十六条"
ART_OPINION = "《信访工作条例》第三十二条"
REGULATION = "《信访工作条例》"

#: The decision sentences of 处理意见书 (第三十二条).
DECISION_SENTENCES = {
    "support": "{you}的请求事实清楚，符合法律、法规、规章或者其他有关规定，予以支持。",
    "explain": "{you}的请求事由合理，但缺乏法律依据，现作出解释说明（见上述事实和理由）。",
    "reject": "{you}的请求缺乏事实根据或者不符合法律、法规、规章或者其他有关规定，不予支持。",
}

#: How each channel reads in "你于…以来访形式反映".
CHANNEL_PHRASES = {
    "letter": "以来信形式",
    "visit": "以来访形式",
    "online": "通过网上信访",
    "phone": "通过电话",
}


@dataclass
class PetitionerView:
    name: str
    role_label: str = "信访人"
    is_representative: bool = False
    sex: str = ""  # 男 / 女
    age: int | None = None
    id_number: str = ""  # masked when the view is masked
    phone: str = ""  # masked when the view is masked
    address: str = ""


@dataclass
class PetitionView:
    """Everything a petition notice may print (text already resolved)."""

    kind: str = "petition"
    case_id: str = ""
    number: str = ""
    title: str = ""
    status: str = ""
    status_label: str = ""
    petition_type: str = ""
    petition_type_label: str = ""
    channel: str = ""
    channel_label: str = ""
    received_on: date | None = None
    received_from: str = ""  # the body that transferred / assigned it to this unit
    notice_on: date | None = None  # 受理 / 不予受理 / 转送 notice given
    accepted_on: date | None = None
    assigned_to: str = ""  # transferred / assigned to
    assign_word: str = "转送"  # 转送 | 交办
    description: str = ""
    claims: str = ""
    people_involved: int = 0
    area_name: str = ""
    handler_name: str = ""  # 承办人
    handling_due: date | None = None  # with the extension
    original_handling_due: date | None = None  # before the extension
    extension_days: int = 0
    extension_reason: str = ""
    extension_approver: str = ""
    extended_on: date | None = None
    replied_on: date | None = None
    decision: str = ""
    decision_label: str = ""
    legal_basis: str = ""
    reply_text: str = ""
    review_body: str = ""
    review_requested_on: date | None = None
    review_request_due: date | None = None
    review_answer_due: date | None = None
    reviewed_on: date | None = None
    review_result: str = ""
    rereview_body: str = ""
    rereview_requested_on: date | None = None
    rereview_request_due: date | None = None
    rereviewed_on: date | None = None
    rereview_result: str = ""
    legal_channel: str = ""
    legal_channel_label: str = ""
    refusal_reason: str = ""  # why not accepted (不予受理 / 不再受理), or the note on the routing
    is_repeat: bool = False
    is_level_skipping: bool = False
    original_number: str = ""
    original_title: str = ""
    original_rereviewed_on: date | None = None
    original_rereview_body: str = ""
    no_longer_accepted: bool = False  # a repeat of a matter closed by re-review (不再受理)
    unit_name: str = ""
    unit_address: str = ""
    unit_phone: str = ""
    unit_head: str = ""
    petitioners: list[PetitionerView] = field(default_factory=list)
    masked: bool = False
    today: date | None = None

    # -------------------------------------------------------------- people
    @property
    def representatives(self) -> list[PetitionerView]:
        return [p for p in self.petitioners if p.is_representative]

    @property
    def headcount(self) -> int:
        return max(self.people_involved or 0, len(self.petitioners))

    @property
    def is_plural(self) -> bool:
        return self.headcount > 1

    @property
    def you(self) -> str:
        return "你们" if self.is_plural else "你"

    @property
    def names(self) -> str:
        return "、".join(p.name for p in self.petitioners if p.name)


# ------------------------------------------------------------------ phrases


def d(value: date | None, min_chars: int = 8) -> Run:
    """A date as 2026年11月27日, or an underlined blank to fill by hand."""
    return Run(date_cn(value)) if value else fill_blank(None, min_chars)


def blank(value: Any, min_chars: int = 6) -> Run:
    text = text_of(value)
    return Run(text) if text else fill_blank(None, min_chars)


def addressee(view: PetitionView) -> str:
    """"张三：" / "张三、李四：" / "张三、李四等12人：" (the representatives of a group first)."""
    people = view.representatives or view.petitioners
    names = [p.name for p in people if p.name]
    if not names:
        return ""
    shown = "、".join(names[:5])
    if view.headcount > len(names):
        shown += f"等{view.headcount}人"
    return shown


def addressee_paragraph(view: PetitionView) -> Paragraph:
    who = addressee(view)
    return Paragraph([Run(who) if who else fill_blank(None, 8), Run("：")], indent_first=False)


def matter(view: PetitionView) -> list[Run]:
    """“……”问题 — the matter as the petitioner put it (the title of the register)."""
    return [Run("“"), blank(view.title, 12), Run("”")]


def came(view: PetitionView) -> list[Run]:
    """"你们于2026年11月3日以来访形式" (how and when the petition came in)."""
    phrase = CHANNEL_PHRASES.get(view.channel, "")
    runs = [Run(f"{view.you}于"), d(view.received_on), Run(phrase)]
    if view.received_from:
        runs = [Run(f"{view.you}向{view.received_from}反映、经该单位于"), d(view.received_on), Run("转来本机关")]
    return runs


def leader_signature(view: PetitionView, when: date | None, *, issuer: str | None = None) -> SignatureBlock:
    """The leader in charge signs; the unit's seal goes over its name and the date."""
    return SignatureBlock(lines=[("分管领导（签名）", "")], seal_unit=(issuer or view.unit_name) or None,
                          date_text=date_cn(when) if when else "　　　　年　　月　　日", leave_space_mm=12,
                          columns=1, line_height_mm=10)


def contact_paragraph(view: PetitionView) -> Paragraph | None:
    parts = []
    if view.handler_name:
        parts.append(f"承办人：{view.handler_name}")
    if view.unit_phone:
        parts.append(f"联系电话：{view.unit_phone}")
    if view.unit_address:
        parts.append(f"地址：{view.unit_address}")
    if not parts:
        return None
    return Paragraph("　".join(parts), indent_first=True, size="四号")


def notice_letter(title: str, blocks: list, view: PetitionView, *, subject: str) -> Document:
    """A GB/T 9704 letter (A4, 37/35/28/26 mm, 3号仿宋, 2号小标宋 title) numbered with the case."""
    meta = {"title": f"{title}（{view.number}）" if view.number else title, "author": view.unit_name,
            "subject": subject, "case_number": view.number}
    return Document(title=title, blocks=blocks, page=PageSetup(layout="letter"), number_line=view.number or None,
                    meta=meta)
