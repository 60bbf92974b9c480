"""The case editor: one form (in tabs) for a dispute or a petition.

Interface used by the main window::

    editor = CaseEditor(desk, case_id=None, kind="dispute", parent=None)
    editor.saved   -> Signal(str)   the case id, after every successful save
    editor.closed  -> Signal()      after the user closed it with 关闭 (and said what to do with changes)
    editor.save() -> bool
    editor.maybe_close() -> bool    asks 保存 / 不保存 / 取消 when there are unsaved changes
    editor.has_unsaved_changes() -> bool

How nothing typed is lost:
* every change restarts a short timer; when it fires the whole input (fields, pending parties, the
  half-written work record) is written as a draft (services.drafts) — so a crash or a power cut
  loses at most a couple of seconds;
* opening a case (or a new case) that has a draft offers it back;
* 不保存 on close keeps the draft too (offered again next time, where it can be discarded);
* a refused save (bad input, someone else saved first) keeps the form as it is and the draft.

Numbers and deadlines are computed by the services and only shown here. Status changes go
through services.cases.change_status, which refuses invalid jumps with the reason.
"""

from __future__ import annotations

import logging
import weakref
from datetime import date
from types import SimpleNamespace
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox, QFrame, QGridLayout, QHBoxLayout, QInputDialog, QLabel, QLineEdit, QMenu, QPushButton,
    QSizePolicy, QSpinBox, QTabWidget, QToolButton, QVBoxLayout, QWidget,
)

from ...domain import vocabularies as vocab
from ...domain.errors import DomainError
from ...services import cases as case_service
from ...services import deadlines as deadline_service
from ...services import drafts as draft_service
from ...services import organisation
from ...services import vocab as vocab_service
from ...services.context import Desk, ServiceError
from ...services.parties import FieldError
from ..widgets import FlowLayout
from .attachments_panel import AttachmentsPanel
from .events_panel import EventsPanel
from .fields import (
    signals_blocked,
    ERROR_COLOUR, HINT_COLOUR, CheckList, CodeCombo, DateField, Form, StandardButton, TextBox, ask,
    clean_money, deadline_html, days_text, enclosing_scroll_area, hint_label, iso, money_text,
    parse_date_text, scrolled, warn,
)
from .parties_panel import PartiesPanel

log = logging.getLogger(__name__)

#: Dates that record something that already happened: never later than today.
PAST_DATES = {
    "received_on", "accepted_on", "agreement_effective_on", "jc_applied_on", "jc_decided_on",
    "dv_warning_letter_on", "po_applied_on", "po_ruled_on", "mandatory_report_on", "divorce_registered_on",
}
DATE_LABELS = {
    "received_on": "登记日期", "accepted_on": "受理日期", "agreement_effective_on": "协议生效日期",
    "jc_applied_on": "申请司法确认日期", "jc_decided_on": "法院裁定日期", "dv_warning_letter_on": "告诫书日期",
    "po_applied_on": "保护令申请日期", "po_ruled_on": "保护令作出日期", "mandatory_report_on": "强制报告日期",
    "divorce_registered_on": "离婚登记申请日期", "performance_deadline": "履行期限", "po_expires_on": "保护令有效期至",
}
#: Marriage/family sub-categories whose agreements may be confirmed by a court (property, debt,
#: support); all other marriage/family matters are marriage, adoption or status terms.
JC_ALLOWED_FAMILY = {"support", "inheritance", "betrothal_gift"}
JC_REASON = "婚姻、收养、身份关系的协议内容不能申请司法确认"
FOREIGN_KEYS = {"area_id", "mediator_id", "recorder_id"}
PSEUDO_FIELDS = {"dv_flag", "minors_flag", "original_case_number"}

#: Words on the buttons that move a case on (the status names read oddly as commands).
ACTION_WORDS = {
    "dispute": {
        "investigating": "开始调查", "mediating": "开始调解", "agreed": "达成书面协议", "oral_agreed": "达成口头协议",
        "failed": "调解不成", "transferred": "移送/转办", "following_up": "转入回访", "archived": "结案归档",
    },
    "petition": {
        "accepted": "受理", "not_accepted": "不予受理", "assigned_out": "转送/交办", "replied": "出具处理意见",
        "review_requested": "申请复查", "reviewed": "复查完毕", "rereview_requested": "申请复核",
        "rereviewed": "复核完毕", "legal_channel": "导入法定途径", "closed": "办结", "archived": "归档",
    },
}

_OPEN_EDITORS: "weakref.WeakSet[CaseEditor]" = weakref.WeakSet()


class _Binding:
    __slots__ = ("name", "kind", "widget", "form", "page")

    def __init__(self, name: str, kind: str, widget: QWidget, form: Form, page: QWidget) -> None:
        self.name, self.kind, self.widget, self.form, self.page = name, kind, widget, form, page


class CaseEditor(QWidget):
    """Form for one case (new when ``case_id`` is None)."""

    saved = Signal(str)
    closed = Signal()

    AUTOSAVE_MS = 2000

    def __init__(self, desk: Desk, case_id: str | None = None, kind: str = "dispute",
                 parent: QWidget | None = None, *, draft_key: str | None = None, offer_draft: bool = True) -> None:
        super().__init__(parent)
        if kind not in vocab.CASE_KINDS:
            raise ServiceError(f"未知的案件类型：{kind}")
        self.desk = desk
        self.case_id: str | None = None
        self.kind = kind
        self.detail = None
        self._version: int | None = None
        self._draft_key = draft_key or draft_service.new_key()
        self._loading = False
        self._clean: dict[str, Any] = {}
        self._bindings: dict[str, _Binding] = {}
        self._status_buttons: list[QPushButton] = []
        self._rules, self._calendar = deadline_service.rules_and_calendar(desk)
        self._autosave_timer = QTimer(self)
        self._autosave_timer.setSingleShot(True)
        self._autosave_timer.setInterval(self.AUTOSAVE_MS)
        self._autosave_timer.timeout.connect(self.autosave)
        self._build()
        if case_id:
            self._load(case_id)  # ServiceError (a ValueError) when the case does not exist
        else:
            self._start_new(kind)
        _OPEN_EDITORS.add(self)
        if offer_draft:
            self._offer_draft(explicit_key=draft_key)
        self._refresh_title()

    # ================================================================== layout

    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(6, 6, 6, 6)
        outer.setSpacing(4)

        header = QWidget()
        header_flow = FlowLayout(header, spacing=12)
        self.number_label = QLabel()
        self.number_label.setObjectName("case_number")
        self.number_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.kind_label = QLabel()
        self.status_label = QLabel()
        self.status_label.setObjectName("case_status")
        self.due_label = QLabel()
        self.due_label.setObjectName("case_due")
        self.due_label.setTextFormat(Qt.TextFormat.RichText)
        for label in (self.number_label, self.kind_label, self.status_label, self.due_label):
            header_flow.addWidget(label)
        outer.addWidget(header)

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()
        outer.addWidget(self.banner)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        outer.addWidget(self.tabs, 1)
        self._build_basics()
        self._build_parties()
        self._build_events()
        self._build_outcome()
        self._build_family()
        self._build_petition()
        self._build_attachments()

        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        outer.addWidget(line)
        bottom = QHBoxLayout()
        bottom.setSpacing(6)
        self.actions_box = QWidget()
        self.actions_box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.actions_flow = FlowLayout(self.actions_box, spacing=6)
        self.next_label = QLabel("下一步：")
        self.actions_flow.addWidget(self.next_label)
        self.other_status_button = QToolButton()
        self.other_status_button.setText("其他状态…")
        self.other_status_button.setToolTip("把案件改为流程中的其他状态（不符合流程的变更会被拒绝并说明原因）")
        self.other_status_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.other_status_menu = QMenu(self.other_status_button)
        self.other_status_button.setMenu(self.other_status_menu)
        self.void_button = QPushButton("作废…")
        self.void_button.setObjectName("void_button")
        self.void_button.clicked.connect(self.void_case)
        self.print_button = QPushButton("打印…")
        self.print_button.setObjectName("print_button")
        self.print_button.setToolTip("预览、打印或另存本案的调解文书、通知书和卷宗")
        self.print_button.clicked.connect(self.open_print_menu)
        self.contract_button = QPushButton("领导包案…")
        self.contract_button.setObjectName("contract_button")
        self.contract_button.setToolTip("把本案交给一名领导包案（一案一策），或查看谁在包案")
        self.contract_button.clicked.connect(self.assign_contract)
        self._tail_buttons = [self.other_status_button, self.void_button, self.print_button, self.contract_button]
        for button in self._tail_buttons:
            self.actions_flow.addWidget(button)
        bottom.addWidget(self.actions_box, 1)
        self.save_button = QPushButton("保存 (Ctrl+S)")
        self.save_button.setObjectName("save_button")
        self.save_button.setDefault(False)
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton("关闭")
        self.close_button.clicked.connect(self.close_editor)
        bottom.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignBottom)
        bottom.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignBottom)
        outer.addLayout(bottom)

        self.save_shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self)
        self.save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_shortcut.activated.connect(self.save)

    def _page(self, title: str) -> tuple[QWidget, Form]:
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        form = Form(inner)
        column.addWidget(form)
        column.addStretch(1)
        area = scrolled(inner)
        area.setObjectName(f"page_{title}")
        self.tabs.addTab(area, title)
        return area, form

    def _bind(self, name: str, kind: str, widget: QWidget, form: Form, page: QWidget, label: str,
              hint: str | QLabel = "") -> QWidget:
        widget.setObjectName(name)
        form.add(name, label, widget, hint)
        self._bindings[name] = _Binding(name, kind, widget, form, page)
        signal = {
            "line": "textChanged", "money": "textChanged", "ages": "textChanged", "text": "textChanged",
            "date": "changed", "combo": "currentIndexChanged", "tristate": "currentIndexChanged",
            "check": "toggled", "spin": "valueChanged", "checklist": "changed",
        }[kind]
        getattr(widget, signal).connect(lambda *_a, n=name: self._field_changed(n))
        return widget

    def _vocab_items(self, name: str, parent: str | None = None) -> list[tuple[str, str]]:
        entries = vocab_service.entries(self.desk, name)
        if parent is not None:
            entries = [e for e in entries if (e.parent or "") == parent]
        return [(e.code, e.label) for e in entries]

    # ------------------------------------------------------------------ 基本情况

    def _build_basics(self) -> None:
        page, form = self._page("基本情况")
        self.basics_form = form
        self.kind_combo = CodeCombo(empty_label=None)
        self.kind_combo.setObjectName("kind")
        self.kind_combo.set_items([(k, vocab.label("case_kind", k)) for k in vocab.CASE_KINDS])
        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        form.add("kind", "类型", self.kind_combo)
        self.deadlines_label = hint_label("", "#000000")
        self.deadlines_label.setObjectName("deadlines")
        form.add("deadlines", "期限", self.deadlines_label,
                 hint="期限由程序按规定自动计算，不能手填；超期显示为红色。")
        title = QLineEdit()
        title.setPlaceholderText("如：张三与李四宅基地纠纷")
        self._bind("title", "line", title, form, page, "事件名称")
        self.category_combo = CodeCombo(empty_label="（请选择）")
        self.category_combo.set_items(self._vocab_items("category", ""))
        self._bind("category", "combo", self.category_combo, form, page, "纠纷类别")
        self.subcategory_combo = CodeCombo(empty_label="（不细分）")
        self._bind("subcategory", "combo", self.subcategory_combo, form, page, "细类")
        source = CodeCombo(empty_label="（未填）")
        source.set_items(self._vocab_items("source"))
        self._bind("source", "combo", source, form, page, "案件来源")
        self._bind("received_on", "date", DateField(), form, page, "登记日期")
        self._bind("accepted_on", "date", DateField(), form, page, "受理日期")
        self.area_combo = CodeCombo(empty_label="（未选）")
        self._bind("area_id", "combo", self.area_combo, form, page, "所在村（社区）")
        location = QLineEdit()
        location.setPlaceholderText("具体地点，如 东山村3组村口")
        self._bind("location", "line", location, form, page, "地点")
        self._bind("description", "text", TextBox(lines=4, placeholder="纠纷（信访事项）的基本情况"), form, page, "基本情况")
        self._bind("claims", "text", TextBox(lines=2), form, page, "主要诉求")
        people = QSpinBox()
        people.setRange(0, 100000)
        people.setSuffix(" 人")
        self._bind("people_involved", "spin", people, form, page, "涉及人数", hint="5人以上为群体性纠纷")
        amount = QLineEdit()
        amount.setPlaceholderText("单位：元")
        amount.setMaximumWidth(amount.fontMetrics().horizontalAdvance("0") * 16 + 20)
        self._bind("amount_involved", "money", amount, form, page, "涉及金额（元）")
        grade = CodeCombo(empty_label="（未评）")
        grade.set_items(self._vocab_items("risk_grade"))
        self._bind("risk_grade", "combo", grade, form, page, "风险等级")
        colour = CodeCombo(empty_label="（不用四色）")
        colour.set_items(self._vocab_items("risk_colour"))
        self._bind("risk_colour", "combo", colour, form, page, "风险颜色")

        flags = QWidget()
        grid = QGridLayout(flags)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        flag_specs = [
            ("is_group", "群体性"), ("is_repeat", "重复信访"), ("is_level_skipping", "越级上访"),
            ("may_turn_criminal", "民转刑风险"), ("dv_flag", "家暴"), ("minors_flag", "涉未成年人"),
            ("not_public", "不公开"), ("is_backlog", "积案"), ("is_major", "重大（即时上报）"),
        ]
        self.flag_boxes: dict[str, QCheckBox] = {}
        for index, (name, text) in enumerate(flag_specs):
            box = QCheckBox(text)
            box.setObjectName(name)
            self.flag_boxes[name] = box
            grid.addWidget(box, index // 3, index % 3)
            self._bindings[name] = _Binding(name, "check", box, form, page)
            box.toggled.connect(lambda _v, n=name: self._field_changed(n))
        grid.setColumnStretch(3, 1)
        form.add("flags", "标记", flags)
        for name in self.flag_boxes:
            form.errors[name] = form.errors["flags"]
            form.widgets[name] = self.flag_boxes[name]
        original = QLineEdit()
        original.setPlaceholderText("重复信访、越级访请填原案件编号，如（2026）青信字第001号")
        self._bind("original_case_number", "line", original, form, page, "原案件编号")
        self.mediator_combo = CodeCombo(empty_label="（未定）")
        self._bind("mediator_id", "combo", self.mediator_combo, form, page, "调解员")
        self.recorder_combo = CodeCombo(empty_label="（未定）")
        self._bind("recorder_id", "combo", self.recorder_combo, form, page, "记录人")
        self._bind("responsible_unit", "line", QLineEdit(), form, page, "责任单位")
        form.add_heading("办理节点（随状态自动记录）")
        self.milestones_label = hint_label("", "#000000")
        self.milestones_label.setObjectName("milestones")
        form.add_full(self.milestones_label)
        form.add_heading("归档")
        self.archive_label = hint_label("")
        form.add_full(self.archive_label)
        self._bind("archive_keeper", "line", QLineEdit(), form, page, "立卷人")
        retention = QLineEdit()
        retention.setPlaceholderText("如：永久、长期、短期")
        self._bind("retention", "line", retention, form, page, "保管期限")
        self.basics_page = page
        self._reload_choices()

    def _reload_choices(self) -> None:
        areas = organisation.list_areas(self.desk)
        by_parent: dict[str | None, list[Any]] = {}
        for area in areas:
            by_parent.setdefault(area.parent_id, []).append(area)
        items: list[tuple[str, str]] = []
        for village in [a for a in areas if a.level == "village"]:
            items.append((village.id, village.name))
            for child in by_parent.get(village.id, []):
                items.append((child.id, f"{village.name} · {child.name}"))
        self.area_combo.set_items(items)
        mediators = organisation.list_staff(self.desk, "mediator")
        recorders = organisation.list_staff(self.desk, "recorder") or organisation.list_staff(self.desk)
        self.mediator_combo.set_items([(s.id, s.name) for s in mediators])
        self.recorder_combo.set_items([(s.id, s.name) for s in recorders])

    # ------------------------------------------------------------------ other tabs

    def _build_parties(self) -> None:
        self.parties = PartiesPanel(self.desk, self.kind)
        self.parties.changed.connect(lambda: self._field_changed("parties"))
        self.parties_page = scrolled(self.parties)
        self.tabs.addTab(self.parties_page, "当事人")

    def _build_events(self) -> None:
        self.events = EventsPanel(self.desk, self.kind)
        self.events.ensure_saved = self.ensure_saved
        self.events.changed.connect(lambda: self._field_changed("event"))
        self.events.added.connect(self._reload_after_action)
        self.events_page = scrolled(self.events)
        self.tabs.addTab(self.events_page, "工作记录")

    def _build_outcome(self) -> None:
        page, form = self._page("调解结果与协议")
        self.outcome_page, self.outcome_form = page, form
        form.add_full(hint_label("达成协议后，在窗口下方“下一步”中点“达成书面协议”或“达成口头协议”，"
                                 "程序会记录协议并变更状态。"))
        outcome = CodeCombo(empty_label="（尚无结果）")
        outcome.set_items(self._vocab_items("outcome"))
        self._bind("outcome", "combo", outcome, form, page, "调解结果")
        self._bind("outcome_note", "text", TextBox(lines=2, placeholder="调解不成时告知当事人的其他途径（仲裁、行政、诉讼）"),
                   form, page, "结果说明")
        self._bind("agreement_facts", "text", TextBox(lines=3, placeholder="主要事实、争议事项、各方责任"),
                   form, page, "事实与责任")
        self._bind("agreement_terms", "text", TextBox(lines=4, placeholder="当事人达成的协议内容"), form, page, "协议内容")
        self._bind("performance_manner", "line", QLineEdit(), form, page, "履行方式")
        self._bind("performance_place", "line", QLineEdit(), form, page, "履行地点")
        self._bind("performance_deadline", "date", DateField(), form, page, "履行期限")
        self._bind("agreement_effective_on", "date", DateField(), form, page, "生效日期",
                   hint="各方签名（捺印）、调解员签名并加盖调委会印章之日；口头协议为达成之日。")
        copies = QSpinBox()
        copies.setRange(0, 50)
        copies.setSpecialValueText("自动（每方一份，调委会留存一份）")
        copies.setSuffix(" 份")
        self._bind("agreement_copies", "spin", copies, form, page, "协议份数")
        amount = QLineEdit()
        amount.setPlaceholderText("单位：元")
        amount.setMaximumWidth(amount.fontMetrics().horizontalAdvance("0") * 16 + 20)
        self._bind("agreement_amount", "money", amount, form, page, "协议金额（元）")
        performed = CodeCombo(empty_label="（尚未回访）")
        performed.set_items([("yes", "已履行"), ("no", "未履行")])
        self._bind("performed", "tristate", performed, form, page, "履行情况")
        form.add_heading("司法确认")
        self.jc_reason_label = hint_label("", ERROR_COLOUR)
        self.jc_reason_label.setObjectName("jc_reason")
        self.jc_reason_label.hide()
        form.add_full(self.jc_reason_label)
        self.jc_window_label = hint_label("")
        form.add_full(self.jc_window_label)
        self._bind("jc_applied_on", "date", DateField(), form, page, "申请日期")
        self._bind("jc_court", "line", QLineEdit(), form, page, "受理法院")
        self._bind("jc_decided_on", "date", DateField(), form, page, "裁定日期")
        jc_result = CodeCombo(empty_label="（尚无结果）")
        jc_result.set_items([("confirmed", "确认有效"), ("rejected", "驳回申请")])
        self._bind("jc_result", "combo", jc_result, form, page, "确认结果")
        self.jc_names = ("jc_applied_on", "jc_court", "jc_decided_on", "jc_result")

    def _build_family(self) -> None:
        page, form = self._page("婚姻家庭")
        self.family_page, self.family_form = page, form
        form.add_heading("家庭暴力")
        dv = CodeCombo(empty_label="（无）")
        dv.set_items(self._vocab_items("dv_type"))
        self._bind("dv_type", "combo", dv, form, page, "家暴类型")
        self._bind("dv_warning_letter_on", "date", DateField(), form, page, "告诫书日期")
        self._bind("dv_warning_station", "line", QLineEdit(), form, page, "出具告诫书的派出所")
        form.add_heading("人身安全保护令")
        applicant = QLineEdit()
        applicant.setPlaceholderText("受害人本人，或近亲属、公安机关、妇联、村（居）委会代为申请")
        self._bind("po_applicant", "line", applicant, form, page, "申请人")
        self._bind("po_applied_on", "date", DateField(), form, page, "申请日期")
        urgent = QCheckBox("情况紧急（法院应在24小时内作出）")
        self._bind("po_urgent", "check", urgent, form, page, "")
        self.po_ruling_label = hint_label("")
        form.add_full(self.po_ruling_label)
        self._bind("po_ruled_on", "date", DateField(), form, page, "作出日期")
        self.po_expiry_hint = hint_label("有效期最长6个月。")
        self._bind("po_expires_on", "date", DateField(), form, page, "有效期至", hint=self.po_expiry_hint)
        form.add_heading("强制报告")
        self._bind("mandatory_report_on", "date", DateField(), form, page, "报告公安日期",
                   hint="受害人是未成年人或无民事行为能力人时，须及时向公安机关报告。")
        form.add_heading("未成年子女")
        minors = QSpinBox()
        minors.setRange(0, 20)
        minors.setSuffix(" 人")
        self._bind("minors_count", "spin", minors, form, page, "子女人数")
        ages = QLineEdit()
        ages.setPlaceholderText("如：3、7")
        self._bind("minors_ages", "ages", ages, form, page, "年龄（岁）")
        self._bind("minors_arrangements", "text", TextBox(lines=3, placeholder="抚养、探望、抚养费的约定"),
                   form, page, "抚养安排")
        form.add_heading("离婚登记")
        self.divorce_hint = hint_label("")
        self._bind("divorce_registered_on", "date", DateField(), form, page, "申请登记日期", hint=self.divorce_hint)
        form.add_heading("转介")
        referrals = CheckList(rows=2)
        referrals.set_items(self._vocab_items("referral"))
        self._bind("referrals", "checklist", referrals, form, page, "转介到")

    def _build_petition(self) -> None:
        page, form = self._page("信访")
        self.petition_page, self.petition_form = page, form
        self.petition_clock_label = hint_label("", "#000000")
        self.petition_clock_label.setObjectName("petition_clock")
        form.add("petition_clock", "法定期限", self.petition_clock_label,
                 hint="按《信访工作条例》自动计算：登记后15日内告知，受理后60日内办结（可延长30日）。")
        ptype = CodeCombo(empty_label="（请选择）")
        ptype.set_items(self._vocab_items("petition_type"))
        self._bind("petition_type", "combo", ptype, form, page, "信访类型", hint="只有申诉求决类适用60日办理期限。")
        channel = CodeCombo(empty_label="（未填）")
        channel.set_items(self._vocab_items("petition_channel"))
        self._bind("channel", "combo", channel, form, page, "信访形式")
        self._bind("received_from", "line", QLineEdit(), form, page, "转来/交办单位")
        reps = QSpinBox()
        reps.setRange(0, 99)
        reps.setSuffix(" 人")
        self._bind("representatives_count", "spin", reps, form, page, "推选代表", hint="多人走访推选代表不超过5人。")
        self._bind("assigned_to", "line", QLineEdit(), form, page, "转送/交办给")
        decision = CodeCombo(empty_label="（尚未答复）")
        decision.set_items(self._vocab_items("petition_decision"))
        self._bind("decision", "combo", decision, form, page, "处理意见")
        self._bind("legal_basis", "text", TextBox(lines=2), form, page, "法律政策依据")
        self._bind("reply_text", "text", TextBox(lines=3), form, page, "答复内容")

    def _build_attachments(self) -> None:
        self.attachments = AttachmentsPanel(self.desk)
        self.attachments.ensure_saved = self.ensure_saved
        self.attachments.added.connect(self._reload_after_action)
        self.attachments_page = scrolled(self.attachments)
        self.tabs.addTab(self.attachments_page, "附件")

    # ================================================================== values

    def _get(self, b: _Binding) -> Any:
        w = b.widget
        if b.kind in ("line", "money", "ages"):
            return w.text()
        if b.kind == "text":
            return w.toPlainText()
        if b.kind == "date":
            return w.text()
        if b.kind in ("combo", "tristate"):
            return w.code()
        if b.kind == "check":
            return w.isChecked()
        if b.kind == "spin":
            return w.value()
        if b.kind == "checklist":
            return w.codes()
        raise AssertionError(b.kind)

    def _set(self, b: _Binding, value: Any) -> None:
        w = b.widget
        if b.kind in ("line", "money", "ages"):
            if w.text() != (value or ""):
                w.setText(value or "")
        elif b.kind == "text":
            w.setText(value or "")
        elif b.kind == "date":
            w.setText(value or "")
        elif b.kind in ("combo", "tristate"):
            w.set_code(value or "")
        elif b.kind == "check":
            w.setChecked(bool(value))
        elif b.kind == "spin":
            w.setValue(int(value or 0))
        elif b.kind == "checklist":
            w.set_codes(list(value or []))

    def _form_fields(self) -> dict[str, Any]:
        return {name: self._get(b) for name, b in self._bindings.items()}

    @staticmethod
    def _from_model(kind: str, value: Any) -> Any:
        if kind == "date":
            return iso(value)
        if kind == "money":
            return money_text(value)
        if kind == "ages":
            return "、".join(str(a) for a in (value or []))
        if kind == "tristate":
            return {None: "", True: "yes", False: "no"}.get(value, "")
        if kind == "check":
            return bool(value)
        if kind == "spin":
            return int(value or 0)
        if kind == "checklist":
            return list(value or [])
        return value or ""

    def _fields_from_case(self, case) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, b in self._bindings.items():
            if name in PSEUDO_FIELDS:
                continue
            values[name] = self._from_model(b.kind, getattr(case, name, None))
        values["dv_flag"] = bool(case.dv_type)
        values["minors_flag"] = bool(case.minors_count)
        original = ""
        if case.original_case_id:
            linked = case_service.get_case(self.desk, case.original_case_id)
            original = linked.number if linked else ""
        values["original_case_number"] = original
        return values

    def _to_service(self, name: str, value: Any) -> Any:
        kind = self._bindings[name].kind
        if kind == "date":
            try:
                parsed = parse_date_text(value)
            except ValueError as error:
                raise FieldError(name, str(error)) from error
            if parsed and name in PAST_DATES and parsed > self.desk.today():
                raise FieldError(name, f"{DATE_LABELS.get(name, '日期')}不能晚于今天（{self.desk.today().isoformat()}）。")
            return parsed.isoformat() if parsed else None
        if kind == "money":
            return clean_money(value) or None
        if kind == "ages":
            parts = [p for p in (value or "").replace("，", "、").replace(",", "、").replace(" ", "、").split("、") if p]
            try:
                ages = [int(p) for p in parts]
            except ValueError as error:
                raise FieldError(name, "子女年龄请填数字，用顿号分隔，例如 3、7。") from error
            if any(a < 0 or a > 17 for a in ages):
                raise FieldError(name, "未成年子女的年龄应在0到17岁之间。")
            return ages
        if kind == "tristate":
            return {"": None, "yes": True, "no": False}[value or ""]
        if name in FOREIGN_KEYS:
            return value or None
        return value

    def _service_changes(self, only_changed: bool) -> dict[str, Any]:
        """Form → fields for services.cases (validated here where the service cannot point at
        the field: dates, money, ages, the links). Raises FieldError."""
        form = self._form_fields()
        changes: dict[str, Any] = {}
        for name, value in form.items():
            if name in PSEUDO_FIELDS:
                continue
            converted = self._to_service(name, value)  # validate every field, changed or not
            if only_changed and value == self._clean.get(name):
                continue
            if not only_changed and converted in (None, "", [], False, 0):
                continue
            changes[name] = converted
        if form["dv_flag"] and not form["dv_type"]:
            raise FieldError("dv_type", "已勾选“家暴”，请选择家暴类型。")
        if not form["dv_flag"] and form["dv_type"]:
            changes["dv_type"] = ""
        if not form["category"]:
            raise FieldError("category", "请选择纠纷类别。")
        if self.kind == "petition" and form["representatives_count"] > self._rules.petition_max_representatives:
            raise FieldError("representatives_count",
                             f"多人走访推选的代表不得超过{self._rules.petition_max_representatives}人。")
        if self._jc_blocked() and (form["jc_applied_on"] or form["jc_court"]) and \
                (not only_changed or form["jc_applied_on"] != self._clean.get("jc_applied_on")):
            raise FieldError("jc_applied_on", JC_REASON + "。")
        number = form["original_case_number"].strip()
        if not only_changed or number != (self._clean.get("original_case_number") or ""):
            if number:
                linked = case_service.find_by_number(self.desk, number)
                if linked is None:
                    raise FieldError("original_case_number", f"找不到编号为“{number}”的案件，请核对。")
                if linked.id == self.case_id:
                    raise FieldError("original_case_number", "原案件不能是本案自己。")
                changes["original_case_id"] = linked.id
            elif only_changed:
                changes["original_case_id"] = None
        return changes

    # ================================================================== loading

    def _start_new(self, kind: str) -> None:
        self._loading = True
        try:
            self.case_id = None
            self.detail = None
            self._version = None
            with signals_blocked(self.kind_combo):
                self.kind_combo.set_code(kind)
            self._apply_kind(kind)
            defaults = {name: self._from_model(b.kind, None) for name, b in self._bindings.items()}
            defaults["received_on"] = self.desk.today().isoformat()
            for name, value in defaults.items():
                self._set(self._bindings[name], value)
            self.parties.load([])
            self.parties.clear_form()
            self.events.load([])
            self.events.clear_form()
            self.attachments.load([])
        finally:
            self._loading = False
        self._clean = self._form_fields()
        self._after_load()

    def _load(self, case_id: str) -> None:
        detail = case_service.case_detail(self.desk, case_id)
        case = detail.case
        self._loading = True
        try:
            self.detail = detail
            self.case_id = case.id
            self._version = case.version
            self._draft_key = case.id
            with signals_blocked(self.kind_combo):
                self.kind_combo.set_code(case.kind)
            self._apply_kind(case.kind)
            values = self._fields_from_case(case)
            if case.area_id and self.area_combo.findData(case.area_id) < 0:
                self.area_combo.addItem(detail.area_name or "（已停用的地区）", case.area_id)
            for combo, staff_id, name in ((self.mediator_combo, case.mediator_id, detail.mediator_name),
                                          (self.recorder_combo, case.recorder_id, detail.recorder_name)):
                if staff_id and combo.findData(staff_id) < 0:
                    combo.addItem(name or "（已停用）", staff_id)
            self._set(self._bindings["category"], values["category"])
            self._category_changed()
            for name, value in values.items():
                self._set(self._bindings[name], value)
            self.parties.load(detail.parties)
            self.parties.clear_form()
            self.events.reload_staff()
            self.events.load(detail.events)
            self.attachments.load(detail.attachments)
        finally:
            self._loading = False
        self._clean = self._form_fields()
        self._after_load()

    def _after_load(self) -> None:
        self._category_changed()
        self._sync_visibility()
        self._refresh_header()
        self._refresh_status_bar()
        self._refresh_computed()
        voided = bool(self.detail and self.detail.case.voided)
        self._set_read_only(voided)
        self.attachments.setEnabledForNew(self.case_id is not None)
        self._refresh_title()

    def _reload_after_action(self) -> None:
        """After a work record, attachment or status change was written: show the new state,
        keeping whatever the user is typing elsewhere."""
        if not self.case_id:
            return
        pending_fields = self._form_fields() if self._fields_dirty() else None
        party_state = self.parties.state() if (self.parties.has_pending() or self.parties.form_has_input()) else None
        event_state = self.events.state() if self.events.has_input() else None
        tab = self.tabs.currentIndex()
        self._load(self.case_id)
        self._loading = True
        try:
            if pending_fields is not None:
                for name, value in pending_fields.items():
                    self._set(self._bindings[name], value)
            if party_state is not None:
                self.parties.set_state(party_state)
            if event_state is not None:
                self.events.set_state(event_state)
        finally:
            self._loading = False
        self.tabs.setCurrentIndex(tab)
        self._field_changed("reload")

    # ================================================================== reacting to input

    def _field_changed(self, name: str) -> None:
        if self._loading:
            return
        if name == "category" or name == "subcategory":
            if name == "category":
                self._category_changed()
            self._maybe_default_not_public()
        if name == "dv_flag":
            if not self.flag_boxes["dv_flag"].isChecked():
                self._set(self._bindings["dv_type"], "")
            self._maybe_default_not_public()
        if name == "dv_type" and self._get(self._bindings["dv_type"]):
            with signals_blocked(self.flag_boxes["dv_flag"]):
                self.flag_boxes["dv_flag"].setChecked(True)
        if name == "minors_flag":
            spin = self._bindings["minors_count"].widget
            with signals_blocked(spin):
                spin.setValue(max(1, spin.value()) if self.flag_boxes["minors_flag"].isChecked() else 0)
        if name == "minors_count":
            with signals_blocked(self.flag_boxes["minors_flag"]):
                self.flag_boxes["minors_flag"].setChecked(self._bindings["minors_count"].widget.value() > 0)
        if name in ("people_involved",) and self._get(self._bindings["people_involved"]) >= self._rules.group_min_people:
            self.flag_boxes["is_group"].setChecked(True)
        if name in self._bindings:
            b = self._bindings[name]
            b.form.clear_error(name)
        self._sync_visibility()
        self._refresh_computed()
        self._refresh_title()
        self._autosave_timer.start()

    def _maybe_default_not_public(self) -> None:
        """Marriage/family and domestic-violence cases default to not public (DOMAIN §3)."""
        family = self._get(self._bindings["category"]) == "marriage_family"
        if (family or self.flag_boxes["dv_flag"].isChecked()) and not self._clean.get("not_public"):
            self.flag_boxes["not_public"].setChecked(True)

    def _category_changed(self) -> None:
        category = self.category_combo.code()
        items = self._vocab_items("category", category) if category else []
        self.subcategory_combo.set_items(items)
        if self.subcategory_combo.code() and self.subcategory_combo.code() not in {c for c, _l in items}:
            self.subcategory_combo.set_code("", quiet=True)
        self.subcategory_combo.setEnabled(bool(items) and not self._read_only())

    def _kind_changed(self, *_args) -> None:
        if self.case_id is not None:
            return
        self._apply_kind(self.kind_combo.code() or "dispute")
        self._field_changed("kind")

    def _apply_kind(self, kind: str) -> None:
        self.kind = kind
        self.parties.set_kind(kind)
        self.events.set_kind(kind)
        petition = kind == "petition"
        self.basics_form.set_label("received_on", "收到日期" if petition else "登记日期")
        self.basics_form.set_label("mediator_id", "承办人" if petition else "调解员")
        self.basics_form.set_label("category", "事项类别" if petition else "纠纷类别")
        self.basics_form.set_row_visible("kind", self.case_id is None)
        self._sync_visibility()

    def _sync_visibility(self) -> None:
        petition = self.kind == "petition"
        family = self.category_combo.code() == "marriage_family" or self.flag_boxes["dv_flag"].isChecked()
        self.tabs.setTabVisible(self.tabs.indexOf(self.outcome_page), not petition)
        self.tabs.setTabVisible(self.tabs.indexOf(self.petition_page), petition)
        self.tabs.setTabVisible(self.tabs.indexOf(self.family_page), family)
        linked = self.flag_boxes["is_repeat"].isChecked() or self.flag_boxes["is_level_skipping"].isChecked() \
            or bool(self._get(self._bindings["original_case_number"]))
        self.basics_form.set_row_visible("original_case_number", linked)
        self.basics_form.set_row_visible("recorder_id", not petition)
        self._update_jc()

    def _jc_blocked(self) -> bool:
        return self.category_combo.code() == "marriage_family" and self.subcategory_combo.code() not in JC_ALLOWED_FAMILY

    def _update_jc(self) -> None:
        blocked = self._jc_blocked()
        for name in self.jc_names:
            self._bindings[name].widget.setEnabled(not blocked and not self._read_only())
        if blocked:
            self.jc_reason_label.setText(
                f"{JC_REASON}（只有财产、债务、赡养抚养等内容可以申请）。如本案协议是赡养/抚养、继承或彩礼返还，"
                "请在“基本情况”中选择相应的细类。")
            self.jc_reason_label.show()
        else:
            self.jc_reason_label.hide()

    # ================================================================== computed, read-only

    def _preview_case(self) -> SimpleNamespace:
        """The case as typed, for computing deadlines before it is saved (invalid dates ignored)."""
        base = self.detail.case if self.detail else None

        def d(name: str):
            try:
                return parse_date_text(self._get(self._bindings[name]))
            except ValueError:
                return getattr(base, name, None) if base else None

        received = d("received_on") or self.desk.today()
        accepted = d("accepted_on")
        if self.kind == "dispute" and accepted is None:
            accepted = received
        status = base.status if base else "registered"
        outcome = self._get(self._bindings["outcome"]) or (base.outcome if base else "")
        return SimpleNamespace(
            kind=self.kind, status=status, received_on=received, accepted_on=accepted,
            extension_days=base.extension_days if base else 0, outcome=outcome,
            agreement_effective_on=d("agreement_effective_on"), resolved_on=base.resolved_on if base else None,
            performance_deadline=d("performance_deadline"), po_ruled_on=d("po_ruled_on"),
            po_expires_on=d("po_expires_on"), divorce_registered_on=d("divorce_registered_on"),
            petition_type=self._get(self._bindings["petition_type"]), replied_on=base.replied_on if base else None,
            review_requested_on=base.review_requested_on if base else None,
            reviewed_on=base.reviewed_on if base else None,
            rereview_requested_on=base.rereview_requested_on if base else None,
            rereview_hearing_days=base.rereview_hearing_days if base else 0,
        )

    def _deadline_state(self, key: str, case, due: date, current_key: str | None) -> str:
        """How to show one deadline: "open" (days left; red when overdue), "done" (the step is
        over), "info" (a window that belongs to the parties: dated, never red)."""
        base = self.detail.case if self.detail else None
        status = case.status
        if key == current_key:
            return "open"
        if key == "mediation_due":
            return "done"  # the mediation clock has stopped (agreement, failure, transfer …)
        if key == "judicial_confirmation_due":
            if self._get(self._bindings["jc_applied_on"]) or self._jc_blocked() or status == "archived":
                return "done"
            return "info" if due < self.desk.today() else "open"
        if key == "follow_up_due":
            return "open" if status in ("agreed", "oral_agreed", "following_up") else "done"
        if key in ("protection_order_expires", "divorce_withdraw_until", "divorce_collect_until"):
            return "info"
        reached = {
            "notice_due": status != "registered",
            "misroute_objection_due": status != "registered",
            "handling_due": bool(base and base.replied_on) or status in (
                "not_accepted", "assigned_out", "legal_channel", "replied", "review_requested", "reviewed",
                "rereview_requested", "rereviewed", "closed", "archived"),
            "review_request_due": bool(base and base.review_requested_on) or status in ("closed", "archived"),
            "review_answer_due": bool(base and base.reviewed_on),
            "rereview_request_due": bool(base and base.rereview_requested_on) or status in ("closed", "archived"),
            "rereview_answer_due": bool(base and base.rereviewed_on),
        }
        if reached.get(key):
            return "done"
        return "info"

    def _refresh_computed(self) -> None:
        today = self.desk.today()
        preview = self._preview_case()
        clock = deadline_service.clock(preview, self._rules, self._calendar)
        current = deadline_service.current_due(preview, self._rules, self._calendar)
        current_key = next((k for k, v in clock.items() if current is not None and v == current
                            and k in ("mediation_due", "notice_due", "handling_due", "review_answer_due",
                                      "rereview_answer_due")), None)
        lines = []
        for key, due in clock.items():
            label = deadline_service.CLOCK_LABELS.get(key, key)
            state = self._deadline_state(key, preview, due, current_key)
            if state == "done":
                lines.append(f"<span style='color:{HINT_COLOUR}'>{label}：{due.isoformat()}（已过此环节）</span>")
            elif state == "info":
                words = days_text(due, today)[0] if due >= today else "已过"
                lines.append(f"{label}：{due.isoformat()}（{words}）")
            else:
                lines.append(deadline_html(label, due, today))
        if self.kind == "dispute" and preview.extension_days:
            lines.append(f"已经双方同意延长 {preview.extension_days} 天")
        base = self.detail.case if self.detail else None
        if self.kind == "petition" and base is not None and base.extension_days:
            who = f"，批准人：{base.extension_approver}" if base.extension_approver else ""
            lines.append(f"已延期办理 {base.extension_days} 日（只能延期一次{who}）")
        text = "<br>".join(lines) or "（暂无）"
        self.deadlines_label.setText(text)
        self.petition_clock_label.setText(text if self.kind == "petition" else "")
        # the one deadline of the register's 期限 column
        if self.detail is not None:
            due = self.detail.case.due_on
        else:
            due = deadline_service.current_due(preview, self._rules, self._calendar)
        if due is None:
            self.due_label.setText("期限：—")
        else:
            words, colour = days_text(due, today)
            style = f"color:{colour}; font-weight:bold" if colour else "font-weight:bold"
            self.due_label.setText(f"期限：{due.isoformat()}（<span style='{style}'>{words}</span>）")
        # judicial confirmation window
        jc_due = clock.get("judicial_confirmation_due")
        if self._jc_blocked():
            self.jc_window_label.setText("")
        elif jc_due is None:
            self.jc_window_label.setText("当事人可在协议生效后30日内共同申请司法确认（填写生效日期后显示期限）。")
        else:
            state = self._deadline_state("judicial_confirmation_due", preview, jc_due, current_key)
            if state == "open":
                tail = deadline_html("最后一天", jc_due, today)
            else:
                tail = f"最后一天：{jc_due.isoformat()}（{'已过' if jc_due < today else days_text(jc_due, today)[0]}）"
            self.jc_window_label.setText("当事人可在协议生效后30日内共同申请司法确认，" + tail)
        self._refresh_family_hints(preview, today)

    def _refresh_family_hints(self, preview, today: date) -> None:
        from ...domain.deadlines import divorce_windows, protection_order_expiry

        try:
            applied = parse_date_text(self._get(self._bindings["po_applied_on"]))
        except ValueError:
            applied = None
        urgent = self._get(self._bindings["po_urgent"])
        if applied:
            hours = self._rules.protection_order_urgent_hours if urgent else self._rules.protection_order_ruling_hours
            days = -(-hours // 24)
            from datetime import timedelta

            self.po_ruling_label.setText(f"法院应在申请后{hours}小时内作出裁定（约 {(applied + timedelta(days=days)).isoformat()} 前）。")
        else:
            self.po_ruling_label.setText(f"法院应在受理申请后{self._rules.protection_order_ruling_hours}小时内作出裁定，"
                                         f"情况紧急的{self._rules.protection_order_urgent_hours}小时内。")
        if preview.po_ruled_on:
            latest = protection_order_expiry(preview.po_ruled_on, rules=self._rules)
            text = f"有效期最长{self._rules.protection_order_max_months}个月，最晚至 {latest.isoformat()}。"
            if preview.po_expires_on:
                text += " " + deadline_html("距到期", preview.po_expires_on, today)
            self.po_expiry_hint.setText(text)
        else:
            self.po_expiry_hint.setText(f"有效期最长{self._rules.protection_order_max_months}个月（填写作出日期后计算）。")
        if preview.divorce_registered_on:
            withdraw, collect = divorce_windows(preview.divorce_registered_on, self._rules, self._calendar)
            self.divorce_hint.setText(
                f"冷静期：{withdraw.isoformat()} 前任何一方可撤回；期满后30日内（{collect.isoformat()} 前）双方须申请发证，"
                "逾期视为撤回。")
        else:
            self.divorce_hint.setText("离婚冷静期30日，期满后30日内申请发给离婚证。")

    def _refresh_header(self) -> None:
        case = self.detail.case if self.detail else None
        if case is None:
            self.number_label.setText("编号：保存后自动生成")
            self.status_label.setText("状态：新登记（未保存）")
        else:
            self.number_label.setText(f"编号：<b>{case.number}</b>")
            text = f"状态：<b>{vocab.status_label(case.kind, case.status)}</b>"
            if case.voided:
                text += f"　<span style='color:{ERROR_COLOUR}'><b>已作废</b></span>"
            self.status_label.setText(text)
        self.kind_label.setText(vocab.label("case_kind", self.kind))
        if case is not None:
            parts = []
            for label, value in (("化解", case.resolved_on), ("结案", case.closed_on), ("归档", case.archived_on),
                                 ("告知", case.notice_on), ("答复", case.replied_on), ("复查申请", case.review_requested_on),
                                 ("复查", case.reviewed_on), ("复核申请", case.rereview_requested_on),
                                 ("复核", case.rereviewed_on)):
                if value:
                    parts.append(f"{label}：{value.isoformat()}")
            if case.extension_days:
                parts.append(f"已延长：{case.extension_days} 天（{case.extension_reason}）")
            self.milestones_label.setText("　".join(parts) or "（尚无）")
            self.archive_label.setText(f"档案号：{case.archive_number}" if case.archive_number else "档案号：归档时生成")
        else:
            self.milestones_label.setText("（保存后开始记录）")
            self.archive_label.setText("档案号：归档时生成")

    def _refresh_status_bar(self) -> None:
        for button in self._status_buttons:
            self.actions_flow.removeWidget(button)
            button.deleteLater()
        self._status_buttons = []
        self.other_status_menu.clear()
        case = self.detail.case if self.detail else None
        self.print_button.setEnabled(case is not None)
        self.contract_button.setEnabled(case is not None and not case.voided)
        if case is None or case.voided:
            self.next_label.setText("保存后可以办理下一步" if case is None else "已作废，不能再办理")
            self.other_status_button.setEnabled(False)
            self.void_button.setEnabled(False)
            return
        # Petition steps that need a decision, a basis or a window check are taken on the 信访 page.
        hidden = case_service.PETITION_STEPS_WITH_DATA if case.kind == "petition" else frozenset()
        all_next = vocab.allowed_next(case.kind, case.status)
        nexts = [status for status in all_next if status not in hidden]
        if case.kind == "petition" and len(nexts) < len(all_next):
            self.next_label.setText("下一步（不予受理、转送、答复、复查复核等请在“信访”页办理）：")
        else:
            self.next_label.setText("下一步：" if all_next else "已归档，流程结束")
        words = ACTION_WORDS[case.kind]
        for status in nexts:
            button = QPushButton(words.get(status, vocab.status_label(case.kind, status)))
            button.setObjectName(f"status_{status}")
            button.setToolTip(f"把状态改为“{vocab.status_label(case.kind, status)}”")
            button.clicked.connect(lambda _c=False, s=status: self.request_status(s))
            self._status_buttons.append(button)
        # keep the order: 下一步 label, status buttons, 其他状态, 作废, 打印, 领导包案
        for button in self._tail_buttons:
            self.actions_flow.removeWidget(button)
        for button in self._status_buttons + self._tail_buttons:
            self.actions_flow.addWidget(button)
        order = vocab.DISPUTE_STATUSES if case.kind == "dispute" else vocab.PETITION_STATUSES
        for status in order:
            if status == case.status or status in hidden:
                continue
            action = QAction(vocab.status_label(case.kind, status), self.other_status_menu)
            action.setData(status)
            action.triggered.connect(lambda _c=False, s=status: self.request_status(s))
            self.other_status_menu.addAction(action)
        self.other_status_button.setEnabled(True)
        self.void_button.setEnabled(True)
        self.actions_box.updateGeometry()

    def open_print_menu(self) -> None:
        """The 打印 menu of this case (saved first: printing reads what is stored)."""
        if self.case_id is None:
            warn(self, "请先保存案件，再打印。")
            return
        if self.has_unsaved_changes() and not self.save():
            return
        from ..printing import open_print_menu

        open_print_menu(self, self.desk, self.case_id)

    def assign_contract(self) -> None:
        if self.case_id is None:
            warn(self, "请先保存案件，再交办包案。")
            return
        if self.has_unsaved_changes() and not self.save():
            return
        from ..contracts import assign_for_case

        if assign_for_case(self.desk, self.case_id, self) is not None:
            self._reload_after_action()

    def _refresh_title(self) -> None:
        case = self.detail.case if self.detail else None
        title = self._get(self._bindings["title"]).strip() if self._bindings else ""
        if case is not None:
            text = f"{case.number}　{title or case.title}"
        else:
            text = f"新登记{vocab.label('case_kind', self.kind)}" + (f"　{title}" if title else "")
        dirty = not self._loading and self.has_unsaved_changes()
        self.setWindowTitle(("*" if dirty else "") + text)

    def _read_only(self) -> bool:
        return bool(self.detail and self.detail.case.voided)

    def _set_read_only(self, read_only: bool) -> None:
        for page in (self.basics_page, self.outcome_page, self.family_page, self.petition_page):
            page.widget().setEnabled(not read_only)
        self.parties.set_read_only(read_only)
        self.events.set_read_only(read_only)
        self.attachments.set_read_only(read_only)
        self.save_button.setEnabled(not read_only)
        if read_only and self.detail is not None:
            self._show_banner(f"本案已作废（理由：{self.detail.case.void_reason}）。作废的案件保留在登记簿中，编号不再使用，"
                              "内容不能再修改。", "error")

    # ================================================================== messages

    def _show_banner(self, text: str, level: str = "info") -> None:
        colours = {"info": ("#e8f1fb", "#0b3d66"), "ok": ("#e7f5e9", "#1b5e20"), "error": ("#fdecea", "#8a1c13")}
        background, foreground = colours.get(level, colours["info"])
        self.banner.setStyleSheet(f"QLabel#banner {{ background:{background}; color:{foreground}; "
                                  f"border:1px solid {foreground}; border-radius:3px; padding:4px 6px; }}")
        self.banner.setText(text)
        self.banner.show()

    def banner_text(self) -> str:
        return self.banner.text() if not self.banner.isHidden() else ""

    def _clear_errors(self) -> None:
        for form in (self.basics_form, self.outcome_form, self.family_form, self.petition_form):
            form.clear_errors()
        self.banner.hide()

    def show_field_error(self, error: FieldError) -> None:
        """Point at the field: switch to its tab, scroll to it, red message beside it."""
        field = {"original_case_id": "original_case_number", "on": "", "agreement_copies": "agreement_copies"}.get(
            error.field, error.field)
        binding = self._bindings.get(field)
        if binding is not None:
            binding.form.show_error(field, str(error))
            self.tabs.setCurrentWidget(binding.page)
            area = enclosing_scroll_area(binding.widget)
            if area is not None:
                area.ensureWidgetVisible(binding.form.rows.get(field, binding.widget))
            binding.widget.setFocus()
            tab = self.tabs.tabText(self.tabs.indexOf(binding.page))
            label = binding.form.labels[field].text().rstrip("：") if field in binding.form.labels else ""
            where = f"“{tab}”中的“{label}”" if label else f"“{tab}”"
            self._show_banner(f"请修改{where}：{error}", "error")
            return
        if field in {"name", "id_number", "phone", "role", "is_representative", "kind", "sex", "birth_date"}:
            self.tabs.setCurrentWidget(self.parties_page)
            self.parties.show_error(field, str(error))
            self._show_banner(f"请修改“当事人”中的信息：{error}", "error")
            return
        self._show_banner(str(error), "error")

    def field_error(self, name: str) -> str:
        binding = self._bindings.get(name)
        return binding.form.error_text(name) if binding else ""

    # ================================================================== drafts

    def draft_key(self) -> str:
        return self._draft_key

    def _state(self) -> dict[str, Any]:
        return {"kind": self.kind, "fields": self._form_fields(), "parties": self.parties.state(),
                "event": self.events.state(), "tab": self.tabs.currentIndex()}

    def _apply_state(self, state: dict[str, Any]) -> None:
        self._loading = True
        try:
            if self.case_id is None and state.get("kind") in vocab.CASE_KINDS:
                with signals_blocked(self.kind_combo):
                    self.kind_combo.set_code(state["kind"])
                self._apply_kind(state["kind"])
            fields = state.get("fields") or {}
            if "category" in fields:
                self._set(self._bindings["category"], fields["category"])
                self._category_changed()
            for name, value in fields.items():
                if name in self._bindings:
                    self._set(self._bindings[name], value)
            if state.get("parties"):
                self.parties.set_state(state["parties"])
            if state.get("event"):
                self.events.set_state(state["event"])
        finally:
            self._loading = False
        tab = state.get("tab")
        if isinstance(tab, int) and 0 <= tab < self.tabs.count() and self.tabs.isTabVisible(tab):
            self.tabs.setCurrentIndex(tab)
        self._category_changed()
        self._sync_visibility()
        self._refresh_computed()
        self._refresh_title()

    def _offer_draft(self, explicit_key: str | None = None) -> None:
        envelope = None
        try:
            if self.case_id:
                envelope = draft_service.load_draft(self.desk, self.case_id)
            elif explicit_key:
                envelope = draft_service.load_draft(self.desk, explicit_key)
            else:
                busy = {e._draft_key for e in list(_OPEN_EDITORS) if e is not self and shiboken6.isValid(e)}
                for listed in draft_service.list_drafts(self.desk, new_only=True, kind=self.kind):
                    if listed["key"] not in busy:
                        envelope = draft_service.load_draft(self.desk, listed["key"])
                        if envelope:
                            break
        except (OSError, ServiceError) as error:
            log.warning("draft not readable: %s", error)
            return
        if not envelope:
            return
        saved_at = str(envelope.get("saved_at") or "").replace("T", " ")[:16]
        title = envelope.get("title") or ""
        text = f"发现未保存的草稿（保存于 {saved_at}）"
        if title and not self.case_id:
            text += f"：“{title}”"
        text += "，是否恢复？"
        base = envelope.get("base_version")
        if self.case_id and base is not None and base != self._version:
            text += ("\n\n注意：草稿保存之后，这个案件又被修改并保存过。恢复草稿并保存，会用草稿中的内容"
                     "覆盖那些修改；如不确定，请先点“丢弃草稿”查看现在的内容。")
        choice = ask(self, "恢复草稿", text, [(StandardButton.Yes, "恢复草稿"), (StandardButton.Discard, "丢弃草稿")],
                     default=StandardButton.Yes)
        key = envelope.get("key") or self._draft_key
        if choice == StandardButton.Discard:
            draft_service.discard_draft(self.desk, key)
            return
        if not self.case_id:
            self._draft_key = key
        self._apply_state(envelope.get("data") or {})
        self._show_banner(f"已恢复 {saved_at} 保存的草稿。检查无误后请点“保存”。", "info")

    def autosave(self) -> None:
        """Write (or remove) the draft now; also run by the timer after each change."""
        self._autosave_timer.stop()
        try:
            if self.has_unsaved_changes():
                title = self._get(self._bindings["title"]).strip()
                draft_service.save_draft(self.desk, self._draft_key, self._state(), base_version=self._version,
                                         kind=self.kind, title=title)
            else:
                draft_service.discard_draft(self.desk, self._draft_key)
        except (OSError, ServiceError) as error:
            self._show_banner(f"草稿无法保存（{error}）。请尽快点“保存”。", "error")

    # ================================================================== state

    def _fields_dirty(self) -> bool:
        return self._form_fields() != self._clean

    def has_unsaved_changes(self) -> bool:
        if self._read_only():
            return False
        return (self._fields_dirty() or self.parties.has_pending() or self.parties.form_has_input()
                or self.events.has_input())

    # ================================================================== saving

    def ensure_saved(self) -> str | None:
        """The case id, saving the case first if it is new or changed (None when that failed)."""
        if self.case_id is None or self._fields_dirty() or self.parties.has_pending() or self.parties.form_has_input():
            if not self._save_case():
                return None
        return self.case_id

    def _save_case(self) -> bool:
        self._clear_errors()
        if self._read_only():
            return False
        if self.parties.form_has_input() and not self.parties.commit_form():
            self.tabs.setCurrentWidget(self.parties_page)
            self._show_banner("“当事人”中正在填写的人还没有加入本案：请修改标红的项目，或点“清空”。", "error")
            self.autosave()
            return False
        try:
            if self.case_id is None:
                fields = self._service_changes(only_changed=False)
                case = case_service.register_case(self.desk, self.kind, fields, self.parties.party_inputs())
                old_key = self._draft_key
                self.case_id = case.id
                draft_service.discard_draft(self.desk, old_key)
                self._draft_key = case.id
            else:
                changes = self._service_changes(only_changed=True)
                if changes:
                    case = case_service.update_case(self.desk, self.case_id, changes, expected_version=self._version)
                    self._version = case.version
                    self._clean = self._form_fields()
                if self.parties.has_pending():
                    self.parties.apply_to_case(self.desk, self.case_id, case_service.add_party,
                                               case_service.remove_party)
        except FieldError as error:
            self.show_field_error(error)
            self.autosave()
            return False
        except ValueError as error:  # ServiceError, DomainError, store errors with Chinese messages
            self._show_banner(str(error), "error")
            self.autosave()
            if "已被修改" in str(error):
                warn(self, str(error), "别人已经修改过这个案件")
            return False
        self._load(self.case_id)
        draft_service.discard_draft(self.desk, self.case_id)
        return True

    def save(self) -> bool:
        """Save everything typed (fields, parties, a filled-in work record). Errors point at the field."""
        if self._read_only():
            return False
        self._autosave_timer.stop()
        if not self._save_case():
            return False
        if self.events.has_input():
            if not self.events.add_entry():
                self.tabs.setCurrentWidget(self.events_page)
                self._show_banner("案件已保存，但“工作记录”中正在填写的记录还没有添加：请修改标红的项目。", "error")
                self.autosave()
                self.saved.emit(self.case_id)
                return False
        draft_service.discard_draft(self.desk, self._draft_key)
        self._show_banner(f"已保存（{self.detail.case.number}）。", "ok")
        self._refresh_title()
        self.saved.emit(self.case_id)
        return True

    # ================================================================== workflow

    def request_status(self, to_status: str) -> bool:
        """Move the case to `to_status` (saving typed changes first); refusals show the reason."""
        if self.case_id is None or self.detail is None:
            warn(self, "请先保存案件，再变更状态。")
            return False
        if self.has_unsaved_changes() and not self.save():
            return False
        case = self.detail.case
        try:
            vocab.check_transition(case.kind, case.status, to_status)
            if case.kind == "dispute" and to_status in ("agreed", "oral_agreed"):
                form = self._form_fields()
                if not form["agreement_terms"].strip():
                    raise FieldError("agreement_terms", "请先在这里填写协议内容，再点“"
                                     + ACTION_WORDS["dispute"][to_status] + "”。")
                copies = form["agreement_copies"] or None
                case_service.record_agreement(
                    self.desk, self.case_id, oral=to_status == "oral_agreed", terms=form["agreement_terms"],
                    facts=form["agreement_facts"], performance_manner=form["performance_manner"],
                    performance_place=form["performance_place"],
                    performance_deadline=self._to_service("performance_deadline", form["performance_deadline"]),
                    effective_on=self._to_service("agreement_effective_on", form["agreement_effective_on"]),
                    copies=copies, amount=self._to_service("agreement_amount", form["agreement_amount"]))
            else:
                case_service.change_status(self.desk, self.case_id, to_status)
        except FieldError as error:
            self.show_field_error(error)
            return False
        except (ServiceError, DomainError) as error:
            self._show_banner(f"不能变更状态：{error}", "error")
            warn(self, str(error), "不能变更状态")
            return False
        self._load(self.case_id)
        self._show_banner(f"状态已变更为“{vocab.status_label(self.kind, to_status)}”。", "ok")
        self.saved.emit(self.case_id)
        return True

    def void_case(self) -> bool:
        if self.case_id is None or self.detail is None or self.detail.case.voided:
            return False
        reason, ok = QInputDialog.getMultiLineText(
            self, "作废案件",
            f"作废后，{self.detail.case.number} 仍保留在登记簿中，编号不再使用，内容不能再修改。\n请填写作废理由（必填）：")
        if not ok:
            return False
        if not (reason or "").strip():
            warn(self, "作废必须填写理由，案件没有作废。")
            return False
        try:
            case_service.void_case(self.desk, self.case_id, reason)
        except ValueError as error:
            warn(self, str(error))
            return False
        draft_service.discard_draft(self.desk, self.case_id)
        self._load(self.case_id)
        self.saved.emit(self.case_id)
        return True

    # ================================================================== closing

    def maybe_close(self) -> bool:
        """True when the editor may close: nothing unsaved, or the user chose 保存 / 不保存."""
        self._autosave_timer.stop()
        if not self.has_unsaved_changes():
            try:
                draft_service.discard_draft(self.desk, self._draft_key)
            except (OSError, ServiceError):
                pass
            return True
        choice = ask(self, "保存修改", "这个案件有还没保存的修改，要保存吗？\n（选“不保存”时，修改会暂存为草稿，下次打开时可以恢复或丢弃。）",
                     [(StandardButton.Save, "保存"), (StandardButton.Discard, "不保存"), (StandardButton.Cancel, "取消")],
                     default=StandardButton.Save)
        if choice == StandardButton.Save:
            return self.save()
        if choice == StandardButton.Discard:
            self.autosave()  # kept as a draft: an accidental 不保存 is not a loss
            return True
        return False

    def close_editor(self) -> bool:
        if not self.maybe_close():
            return False
        self._autosave_timer.stop()
        self._closing = True
        self.closed.emit()
        if self.isWindow():
            self.close()
        return True

    def closeEvent(self, event) -> None:  # noqa: N802 (Qt)
        if getattr(self, "_closing", False) or not self.isWindow():
            event.accept()
            return
        if self.maybe_close():
            self._closing = True
            self.closed.emit()
            event.accept()
        else:
            event.ignore()

    def set_save_shortcut_enabled(self, enabled: bool) -> None:
        """For a host that binds Ctrl+S itself (avoids an ambiguous shortcut)."""
        self.save_shortcut.setEnabled(enabled)

