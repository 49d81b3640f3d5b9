"""Triage suggestions (R-CLS-4, API.md "Triage suggestion"): type and risk families for a complaint's text.

suggest(text, *, types=None) → the contract's suggestion object (see kesu/triage/README.md)
"""

from .suggester import suggest

__all__ = ["suggest"]
