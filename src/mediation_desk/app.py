"""Start-up: arguments, data folder, open/upgrade the store, then the GUI or a headless command."""

from __future__ import annotations

import logging
import sys
from pathlib import Path


def _configure_logging(data_dir: Path) -> Path | None:
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        log_file = data_dir / "mediation-desk.log"
        logging.basicConfig(filename=str(log_file), level=logging.INFO, encoding="utf-8",
                            format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        return log_file
    except OSError:
        return None


_VALUE_OPTIONS = {"--db", "--actor", "--today"}


def _opens_window(argv: list[str]) -> bool:
    """True when the command line names no subcommand (only global options): then the window
    opens and the command modules need not be imported, which keeps start-up short."""
    if any(token in ("-h", "--help", "--version") for token in argv):
        return False
    expects_value = False
    for token in argv:
        if expects_value:
            expects_value = False
        elif token in _VALUE_OPTIONS:
            expects_value = True
        elif not token.startswith("-"):
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    from . import cli, datadir

    argv = list(sys.argv[1:] if argv is None else argv)
    parser = cli.build_parser(load_extensions=not _opens_window(argv))
    args = parser.parse_args(argv)
    _configure_logging(datadir.data_dir(getattr(args, "portable", False)))
    if getattr(args, "command", None):
        return cli.run(args)
    return run_gui(args)


def run_gui(args) -> int:
    """Open the main window (the only place that imports Qt besides ui/)."""
    from .ui.main import run

    return run(args)
