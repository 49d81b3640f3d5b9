"""Models of the scripts library and macros."""

from __future__ import annotations
