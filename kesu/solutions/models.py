"""Models of solutions and compensation."""

from __future__ import annotations
