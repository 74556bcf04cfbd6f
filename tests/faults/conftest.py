"""Fault tests: the batch stopped, timed out, short of disk or folders; see faultkit.py."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # faultkit, imported by the tests of this folder
