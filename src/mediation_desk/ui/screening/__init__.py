"""矛盾排查 (screening) area of the window: the grid page and the round dialog."""

from .page import ScreeningPage  # noqa: F401
