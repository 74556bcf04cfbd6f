"""Makes the corpus module importable by the hostile tests (the suite imports in importlib mode)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
