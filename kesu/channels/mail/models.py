"""Models of e-mail in."""

from __future__ import annotations
