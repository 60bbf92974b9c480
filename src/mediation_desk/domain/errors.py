"""Domain errors. Messages are Simplified Chinese and can be shown to the user as they are."""

from __future__ import annotations


class DomainError(ValueError):
    """A business rule was broken; ``str(error)`` is a Chinese sentence for the user."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: Optional name of the input field the message is about (for the UI to highlight).
        self.field = field

    def __str__(self) -> str:
        return self.message
