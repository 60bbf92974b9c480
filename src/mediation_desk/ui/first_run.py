"""First start without a database: a short wizard to set up the unit (name, short name for
numbering, type, villages and groups, first staff members) — or open the demo data to look around.

The dialog only collects answers; `services.desktop.apply_first_run` writes them (audited)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QDialog, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPlainTextEdit, QPushButton, QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from ..domain import vocabularies as domain_vocab
from ..domain.phone import check_phone
from ..services.desktop import FirstRunData, parse_villages
from . import widgets

ERROR_STYLE = "color: #c00000;"


class FirstRunDialog(QDialog):
    """Returns `QDialog.Accepted` with `choice` == "setup" (see `data`) or "demo"."""

    STAFF_COLUMNS = ("姓名", "角色", "职务", "电话")

    def __init__(self, parent: QWidget | None = None, *, allow_demo: bool = True) -> None:
        super().__init__(parent)
        self.setWindowTitle("欢迎使用调解工作台")
        self.choice: str | None = None
        self.data: FirstRunData | None = None
        self.pages = QStackedWidget()

        # --- page 0: welcome
        welcome = QWidget()
        w_layout = QVBoxLayout(welcome)
        title = QLabel("欢迎使用调解工作台")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        title.setFont(font)
        text = QLabel("第一次使用，请先填写本单位的基本情况（大约两分钟），以后可以在“设置”里修改。\n"
                      "也可以先打开演示数据，看看软件能做什么（演示数据与正式数据分开保存）。")
        text.setWordWrap(True)
        self.setup_button = QPushButton("设置本单位，开始使用")
        self.setup_button.setDefault(True)
        self.setup_button.clicked.connect(lambda: self._go(1))
        self.demo_button = QPushButton("先打开演示数据看看")
        self.demo_button.clicked.connect(self._choose_demo)
        self.demo_button.setVisible(allow_demo)
        for button in (self.setup_button, self.demo_button):
            button.setMinimumHeight(button.sizeHint().height() * 3 // 2)
        w_layout.addWidget(title)
        w_layout.addWidget(text)
        w_layout.addSpacing(12)
        w_layout.addWidget(self.setup_button)
        w_layout.addWidget(self.demo_button)
        w_layout.addStretch(1)

        # --- page 1: unit
        unit_page = QWidget()
        form = QFormLayout(unit_page)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("例如：青石镇人民调解委员会")
        self.short_edit = QLineEdit()
        self.short_edit.setMaxLength(8)
        self.short_edit.setPlaceholderText("例如：青")
        self.type_combo = QComboBox()
        for item in domain_vocab.items("unit_type"):
            self.type_combo.addItem(item.label, item.code)
        self.township_edit = QLineEdit()
        self.township_edit.setPlaceholderText("例如：青石镇")
        self.county_edit = QLineEdit()
        self.county_edit.setPlaceholderText("例如：临川县（可不填）")
        self.example_label = QLabel()
        self.example_label.setWordWrap(True)
        self.short_edit.textChanged.connect(self._update_example)
        form.addRow(self._step("第1步（共3步）：本单位"))
        form.addRow("单位名称：", self.name_edit)
        form.addRow("简称（用于编号）：", self.short_edit)
        form.addRow("", self.example_label)
        form.addRow("单位类型：", self.type_combo)
        form.addRow("所在乡镇（街道）：", self.township_edit)
        form.addRow("所在县（区）：", self.county_edit)

        # --- page 2: villages
        village_page = QWidget()
        v_layout = QVBoxLayout(village_page)
        v_layout.addWidget(self._step("第2步（共3步）：本单位负责的村（社区）"))
        hint = QLabel("每行一个村（社区）。村下面的组可以写在冒号后面，用顿号隔开，例如：\n"
                      "东山村：一组、二组、三组\n西河村")
        hint.setWordWrap(True)
        v_layout.addWidget(hint)
        self.villages_edit = QPlainTextEdit()
        self.villages_edit.setObjectName("villagesEdit")
        v_layout.addWidget(self.villages_edit, 1)

        # --- page 3: staff
        staff_page = QWidget()
        s_layout = QVBoxLayout(staff_page)
        s_layout.addWidget(self._step("第3步（共3步）：工作人员（以后可在“设置”里增加）"))
        self.staff_table = QTableWidget(3, len(self.STAFF_COLUMNS))
        self.staff_table.setObjectName("staffTable")
        self.staff_table.setHorizontalHeaderLabels(list(self.STAFF_COLUMNS))
        self.staff_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.staff_table.verticalHeader().setVisible(False)
        self.staff_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        for row in range(self.staff_table.rowCount()):
            self._init_staff_row(row)
        add_row = QPushButton("再加一行")
        add_row.clicked.connect(self.add_staff_row)
        s_layout.addWidget(self.staff_table, 1)
        s_layout.addWidget(add_row, 0, Qt.AlignmentFlag.AlignLeft)

        for page in (welcome, unit_page, village_page, staff_page):
            self.pages.addWidget(widgets.scrolling(page))

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.back_button = QPushButton("上一步")
        self.back_button.clicked.connect(self.back)
        self.next_button = QPushButton("下一步")
        self.next_button.clicked.connect(self.next)
        self.cancel_button = QPushButton("退出")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._go(0)
        char = self.fontMetrics().horizontalAdvance("中")
        self.resize(char * 40, self.fontMetrics().height() * 26)

    # ------------------------------------------------------------------ pages

    @staticmethod
    def _step(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setStyleSheet("font-weight: bold;")
        return label

    def _init_staff_row(self, row: int) -> None:
        combo = QComboBox()
        for item in domain_vocab.items("staff_role"):
            combo.addItem(item.label, item.code)
        self.staff_table.setCellWidget(row, 1, combo)
        for column in (0, 2, 3):
            self.staff_table.setItem(row, column, QTableWidgetItem(""))

    def add_staff_row(self) -> int:
        row = self.staff_table.rowCount()
        self.staff_table.insertRow(row)
        self._init_staff_row(row)
        return row

    def set_staff(self, row: int, name: str, role: str = "mediator", post: str = "", phone: str = "") -> None:
        while row >= self.staff_table.rowCount():
            self.add_staff_row()
        self.staff_table.item(row, 0).setText(name)
        combo: QComboBox = self.staff_table.cellWidget(row, 1)
        combo.setCurrentIndex(max(combo.findData(role), 0))
        self.staff_table.item(row, 2).setText(post)
        self.staff_table.item(row, 3).setText(phone)

    def _update_example(self) -> None:
        short = self.short_edit.text().strip() or "某"
        self.example_label.setText(f"案件编号将是：（2026）{short}调字第001号")

    def _go(self, index: int) -> None:
        self.pages.setCurrentIndex(index)
        self.message.clear()
        on_welcome = index == 0
        self.back_button.setVisible(not on_welcome)
        self.next_button.setVisible(not on_welcome)
        self.next_button.setText("完成" if index == self.pages.count() - 1 else "下一步")
        if index == 1:
            self._update_example()
            self.name_edit.setFocus()

    def back(self) -> None:
        self._go(max(self.pages.currentIndex() - 1, 0))

    def next(self) -> None:
        index = self.pages.currentIndex()
        problem = self.validate_page(index)
        if problem:
            self.message.setText(problem)
            return
        if index == self.pages.count() - 1:
            self.data = self.collect()
            self.choice = "setup"
            self.accept()
        else:
            self._go(index + 1)

    def _choose_demo(self) -> None:
        self.choice = "demo"
        self.accept()

    # ------------------------------------------------------------------ answers

    def validate_page(self, index: int) -> str:
        if index == 1:
            if not self.name_edit.text().strip():
                return "请填写单位名称。"
            short = self.short_edit.text().strip()
            if not short:
                return "请填写简称，案件编号里要用到，例如“青”。"
            if any(ch.isdigit() or ch.isspace() or ch in "{}" for ch in short):
                return "简称里不能有数字、空格或大括号。"
        if index == 2:
            try:
                parse_villages(self.villages_edit.toPlainText())
            except ValueError as error:
                return str(error)
        if index == 3:
            for row, staff in enumerate(self._staff_rows(), start=1):
                if staff["phone"]:
                    check = check_phone(staff["phone"])
                    if not check.valid:
                        return f"第{row}行“{staff['name']}”的电话号码不正确：{check.error}"
                if not staff["name"] and (staff["post"] or staff["phone"]):
                    return f"第{row}行请填写姓名。"
        return ""

    def _staff_rows(self) -> list[dict]:
        rows = []
        for row in range(self.staff_table.rowCount()):
            def text(column: int) -> str:
                item = self.staff_table.item(row, column)
                return item.text().strip() if item else ""

            combo: QComboBox = self.staff_table.cellWidget(row, 1)
            entry = {"name": text(0), "roles": [combo.currentData()] if combo else ["mediator"],
                     "post": text(2), "phone": text(3)}
            if entry["name"] or entry["post"] or entry["phone"]:
                rows.append(entry)
        return rows

    def collect(self) -> FirstRunData:
        return FirstRunData(
            name=self.name_edit.text().strip(), short_name=self.short_edit.text().strip(),
            unit_type=self.type_combo.currentData(), township=self.township_edit.text().strip(),
            county=self.county_edit.text().strip(),
            villages=parse_villages(self.villages_edit.toPlainText()),
            staff=[s for s in self._staff_rows() if s["name"]],
        )
