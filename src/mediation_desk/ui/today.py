"""今日: what needs attention today — overdue items, items due within 7 days, villages whose
screening report for this month is missing, and the cases edited last. Each case line opens
its case (double-click or Enter)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QSizePolicy, QTabWidget,
    QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget,
)

from ..services import today as today_service
from ..services.context import Desk
from . import widgets

log = logging.getLogger(__name__)

CASE_ID_ROLE = Qt.ItemDataRole.UserRole + 1
WEEKDAYS = "一二三四五六日"
OVERDUE_COLOUR = QColor(200, 0, 0)
SOON_COLOUR = QColor(176, 96, 0)

# What matters first: how late, what kind of deadline, which case (title) — then the rest.
_DUE_HEADERS = ["剩余", "期限事项", "标题/事由", "村", "承办人", "期限", "编号"]
_DUE_CHARS = [5, 8, 16, 4, 4, 6, 12]


class CaseList(QTreeWidget):
    """A flat list whose lines carry a case id; activating a line (double-click / Enter) opens it."""

    open_case = Signal(str)

    def __init__(self, headers: list[str], chars: list[int], stretch: int | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chars = chars
        self._stretch = stretch
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHeaderLabels(headers)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.header().setStretchLastSection(stretch is None)
        if stretch is not None:  # the title takes the spare width
            self.header().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.itemActivated.connect(self._activated)
        self._size_columns()

    def _size_columns(self) -> None:
        char = self.fontMetrics().horizontalAdvance("中")
        for column, chars in enumerate(self._chars):
            if column != self._stretch:
                self.setColumnWidth(column, chars * char + char)
        if self._stretch is not None:
            self.header().setMinimumSectionSize(char * 3)

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self._size_columns()

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        case_id = item.data(0, CASE_ID_ROLE)
        if case_id:
            self.open_case.emit(case_id)

    def case_ids(self) -> list[str]:
        return [self.topLevelItem(i).data(0, CASE_ID_ROLE) for i in range(self.topLevelItemCount())]


class _Emitter(QObject):
    done = Signal(int, object)
    failed = Signal(int, str)


class _SummaryJob(QRunnable):
    """Computes the dashboard in a worker thread (SQLite releases the GIL while it reads), so the
    window stays responsive on a large register."""

    def __init__(self, desk: Desk, generation: int, emitter: _Emitter) -> None:
        super().__init__()
        self.desk, self.generation, self.emitter = desk, generation, emitter

    def run(self) -> None:
        try:
            result = today_service.summary(self.desk)
        except Exception as error:  # noqa: BLE001 — reported on the page, logged for support
            log.exception("today summary failed")
            self.emitter.failed.emit(self.generation, str(getattr(error, "message", "") or error))
            return
        self.emitter.done.emit(self.generation, result)


class TodayPage(QWidget):
    open_case = Signal(str)
    #: “在登记簿中查看全部”: ("overdue" | "due_soon")
    show_in_register = Signal(str)
    #: a draft of a case not saved yet: (draft key, kind)
    open_draft = Signal(str, str)

    def __init__(self, desk: Desk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("todayPage")
        self._desk = desk
        self.summary: today_service.TodaySummary | None = None
        self._generation = 0
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._emitter = _Emitter()
        self._emitter.done.connect(self._computed)
        self._emitter.failed.connect(self._failed)

        self.date_label = QLabel()
        self.date_label.setObjectName("todayDate")
        self._style_date()
        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.refresh_button = QPushButton("刷新")
        self.refresh_button.setToolTip("重新计算（F5）")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.date_label)
        top.addSpacing(12)
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.refresh_button)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.overdue_list = CaseList(_DUE_HEADERS, _DUE_CHARS, stretch=2)
        self.overdue_list.setObjectName("overdueList")
        self.soon_list = CaseList(_DUE_HEADERS, _DUE_CHARS, stretch=2)
        self.soon_list.setObjectName("dueSoonList")
        self.screening_list = CaseList(["村（社区）", "所属镇（街道）", "月份", "报送截止", "情况"], [8, 8, 6, 7, 10])
        self.screening_list.setObjectName("screeningMissingList")
        self.recent_list = CaseList(["编辑时间", "编号", "类型", "标题/事由", "状态"], [6, 12, 2, 18, 6], stretch=3)
        self.recent_list.setObjectName("recentList")
        self.drafts_list = CaseList(["保存时间", "类型", "标题/事由", ""], [7, 2, 18, 6], stretch=2)
        self.drafts_list.setObjectName("draftsList")
        for lst in (self.overdue_list, self.soon_list, self.recent_list):
            lst.open_case.connect(self.open_case)
        self.drafts_list.itemActivated.connect(self._draft_activated)

        self.overdue_more = QLabel()
        self.overdue_more.setWordWrap(True)
        self.soon_more = QLabel()
        self.soon_more.setWordWrap(True)
        self.overdue_tab = self._list_tab(self.overdue_list, self.overdue_more, "overdue",
                                          "双击或按回车打开案件。")
        self.soon_tab = self._list_tab(self.soon_list, self.soon_more, "due_soon", "双击或按回车打开案件。")
        hint = QLabel("这些村（社区）本月还没有报送矛盾纠纷排查情况（没有发现问题也要报“零报告”）。")
        hint.setWordWrap(True)
        self.screening_tab = self._plain_tab(self.screening_list, hint)
        self.recent_tab = self._plain_tab(self.recent_list, QLabel("最近修改过的案件，双击或按回车打开。"))
        self.tabs.addTab(self.overdue_tab, "已超期")
        self.tabs.addTab(self.soon_tab, "7日内到期")
        self.tabs.addTab(self.screening_tab, "本月排查未报")
        self.tabs.addTab(self.recent_tab, "最近编辑")
        self.drafts_tab = self._plain_tab(self.drafts_list, QLabel(
            "上次没有保存的内容（例如停电或程序意外关闭时），双击或按回车打开后可以继续填写并保存。"))
        self.drafts_tab.findChild(QLabel).setWordWrap(True)
        self.tabs.addTab(self.drafts_tab, "未保存的草稿")
        self.tabs.setTabVisible(4, False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

    def selected_case_id(self) -> str | None:
        lst = self.tabs.currentWidget().findChild(CaseList) if self.tabs.currentWidget() else None
        item = lst.currentItem() if lst is not None else None
        return item.data(0, CASE_ID_ROLE) if item is not None else None

    def _style_date(self) -> None:
        big = QFont(self.font())
        big.setPointSizeF(big.pointSizeF() * 1.3)
        big.setBold(True)
        self.date_label.setFont(big)

    def changeEvent(self, event) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:  # 字号 changed
            self._style_date()

    def _list_tab(self, lst: CaseList, more: QLabel, which: str, hint: str) -> QWidget:
        tab = QWidget()
        button = QPushButton("在案件登记簿中查看全部")
        button.clicked.connect(lambda: self.show_in_register.emit(which))
        hint_label = QLabel(hint)
        row = QHBoxLayout()
        row.addWidget(hint_label, 1)
        row.addWidget(button)
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(row)
        layout.addWidget(lst, 1)
        layout.addWidget(more)
        return tab

    def _plain_tab(self, lst: CaseList, hint: QLabel) -> QWidget:
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(hint)
        layout.addWidget(lst, 1)
        return tab

    # ------------------------------------------------------------------ data

    def refresh(self, wait: bool = False) -> None:
        """Recompute in the background (the lists update when done); `wait` blocks until then."""
        self._generation += 1
        self.refresh_button.setEnabled(False)
        if self.summary is None:
            self.summary_label.setText("正在计算今日事项……")
        self._pool.start(_SummaryJob(self._desk, self._generation, self._emitter))
        if wait:
            self.wait()

    def wait(self, timeout_ms: int = 60000) -> bool:
        """Wait for a computation in progress and show its result (self-test, closing)."""
        finished = self._pool.waitForDone(timeout_ms)
        from PySide6.QtCore import QCoreApplication

        # the result was posted to this page's thread: deliver it now
        QCoreApplication.sendPostedEvents(self)
        QCoreApplication.sendPostedEvents(self._emitter)
        return finished

    def is_busy(self) -> bool:
        return self._pool.activeThreadCount() > 0

    def _failed(self, generation: int, message: str) -> None:
        if generation != self._generation:
            return
        self.refresh_button.setEnabled(True)
        self.summary_label.setText(f"计算今日事项时出错：{message}")

    def _computed(self, generation: int, summary: today_service.TodaySummary) -> None:
        if generation != self._generation:
            return  # a newer refresh is on its way
        self.refresh_button.setEnabled(True)
        self.summary = summary
        day = summary.today
        self.date_label.setText(f"今天是 {day.year}年{day.month}月{day.day}日 星期{WEEKDAYS[day.weekday()]}")
        self.summary_label.setText(
            f"已超期 {summary.overdue_total} 项 · {summary.within_days}日内到期 {summary.due_soon_total} 项 · "
            f"本月排查未报 {len(summary.screening_missing)} 个村")
        self._fill_due(self.overdue_list, summary.overdue)
        self._fill_due(self.soon_list, summary.due_soon)
        self._more(self.overdue_more, len(summary.overdue), summary.overdue_total, "已超期")
        self._more(self.soon_more, len(summary.due_soon), summary.due_soon_total, "7日内到期")
        self._fill_screening(summary.screening_missing)
        self._fill_recent(summary.recent)
        self.tabs.setTabText(0, f"已超期（{summary.overdue_total}）")
        self.tabs.setTabText(1, f"{summary.within_days}日内到期（{summary.due_soon_total}）")
        self.tabs.setTabText(2, f"本月排查未报（{len(summary.screening_missing)}）")
        self.tabs.setTabText(3, f"最近编辑（{len(summary.recent)}）")
        self._fill_drafts(summary.drafts)

    @staticmethod
    def _more(label: QLabel, shown: int, total: int, what: str) -> None:
        if total > shown:
            label.setText(f"这里只列出前 {shown} 项，共 {total} 项。请点“在案件登记簿中查看全部”并勾选“{what}”。")
            label.show()
        else:
            label.hide()

    def _fill_due(self, lst: CaseList, items: list[today_service.DueItem]) -> None:
        lst.clear()
        rows = []
        for item in items:
            title = item.title + (f"（{item.detail}）" if item.detail else "")
            line = QTreeWidgetItem([item.when_text(), item.label, title, item.area_name, item.staff_name,
                                    item.due_on.isoformat(), item.number])
            line.setData(0, CASE_ID_ROLE, item.case_id)
            colour = OVERDUE_COLOUR if item.overdue else (SOON_COLOUR if item.days_left <= 3 else None)
            if colour is not None:
                line.setForeground(0, QBrush(colour))
            line.setToolTip(2, f"{item.number}  {title}")
            rows.append(line)
        lst.addTopLevelItems(rows)
        if rows:
            lst.setCurrentItem(rows[0])
        if not rows:
            empty = QTreeWidgetItem(["（没有）"])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            lst.addTopLevelItem(empty)

    def _fill_screening(self, missing: list[today_service.MissingScreening]) -> None:
        lst = self.screening_list
        lst.clear()
        for entry in missing:
            state = "已过报送截止日" if entry.overdue else "未到截止日"
            line = QTreeWidgetItem([entry.village, entry.township, entry.month.replace("-", "年") + "月",
                                    entry.due_on.isoformat(), state])
            if entry.overdue:
                line.setForeground(4, QBrush(OVERDUE_COLOUR))
            lst.addTopLevelItem(line)
        if not missing:
            empty = QTreeWidgetItem(["（各村本月都已报送）"])
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            lst.addTopLevelItem(empty)

    def _fill_drafts(self, drafts: list[today_service.Draft]) -> None:
        lst = self.drafts_list
        lst.clear()
        for draft in drafts:
            when = draft.saved_at.strftime("%m-%d %H:%M") if draft.saved_at else ""
            line = QTreeWidgetItem([when, "纠纷" if draft.kind == "dispute" else "信访", draft.title,
                                    "新建未保存" if draft.is_new else "修改未保存"])
            line.setData(0, CASE_ID_ROLE, None if draft.is_new else draft.key)
            line.setData(1, CASE_ID_ROLE, draft.key)
            line.setData(2, CASE_ID_ROLE, draft.kind)
            lst.addTopLevelItem(line)
        self.tabs.setTabText(4, f"未保存的草稿（{len(drafts)}）")
        self.tabs.setTabVisible(4, bool(drafts))

    def _draft_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        key, kind = item.data(1, CASE_ID_ROLE), item.data(2, CASE_ID_ROLE)
        if key and str(key).startswith("new-"):
            self.open_draft.emit(key, kind or "dispute")

    def _fill_recent(self, recent: list[today_service.RecentCase]) -> None:
        lst = self.recent_list
        lst.clear()
        for case in recent:
            line = QTreeWidgetItem([case.updated_at.strftime("%m-%d %H:%M"), case.number,
                                    "纠纷" if case.kind == "dispute" else "信访", case.title, case.status_label])
            line.setData(0, CASE_ID_ROLE, case.case_id)
            line.setToolTip(3, case.title)
            lst.addTopLevelItem(line)
