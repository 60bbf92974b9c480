"""Mediation Desk (调解工作台): offline desk for village dispute and petition work."""

__version__ = "0.1.0"
APP_NAME = "调解工作台"
APP_ID = "mediation-desk"
