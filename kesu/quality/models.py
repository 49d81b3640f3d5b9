"""Models of the investigation, containment, 8D and CAPA."""

from __future__ import annotations
