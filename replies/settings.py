"""Pydantic models of the reply engine's part of config.yaml (routing, offers, templates)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class RoutingSettings(_Strict):
    """Thresholds and rules that send a conversation to auto, review or ignore."""

    auto_confidence: float = Field(0.75, ge=0.0, le=1.0)
    review_confidence: float = Field(0.45, ge=0.0, le=1.0)


class ReplySettings(_Strict):
    templates_dir: str = "replies/templates"
