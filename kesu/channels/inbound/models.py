"""Models of inbound webhooks."""

from __future__ import annotations
