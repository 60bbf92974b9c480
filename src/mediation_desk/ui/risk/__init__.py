"""风险评估 (社会稳定风险评估, 稳评): the page of the main window and the assessment editor.

The main window finds ``RiskPage`` here (NAVIGATION entry ``"risk:RiskPage"``); it has the signals
``open_case(str)`` and ``changed()``.
"""

from .editor import AssessmentDialog
from .page import RiskPage

__all__ = ["AssessmentDialog", "RiskPage"]
