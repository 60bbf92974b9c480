"""信访 (petitions) area of the window: the page with the statutory clock, the workflow dialogs."""

from .page import PetitionsPage  # noqa: F401
