"""Entry script for the PyInstaller build (absolute import: a frozen script has no package)."""

import sys

from mediation_desk.app import main

if __name__ == "__main__":
    sys.exit(main())
