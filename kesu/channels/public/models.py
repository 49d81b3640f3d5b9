"""Models of public form and tracking."""

from __future__ import annotations
