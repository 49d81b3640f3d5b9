"""Models of messages to customers."""

from __future__ import annotations
