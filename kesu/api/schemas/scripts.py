from __future__ import annotations

from typing import Any

from ninja import Schema

from .common import Body, Version


class ScriptOut(Schema):
    id: int
    title: str
    situation: str
    text: str


class ScriptList(Schema):
    items: list[ScriptOut]


class RenderedOut(Schema):
    text: str


class MacroOut(Schema):
    id: int
    name: str
    description: str
    steps: list[dict[str, Any]]


class MacroList(Schema):
    items: list[MacroOut]


class MacroRunIn(Body):
    version: Version | None = None
