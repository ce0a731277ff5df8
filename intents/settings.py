"""Pydantic model of the classifier's part of config.yaml."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class ClassifierSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model_dir: str = ""  # empty: the model that ships with the package
    # below this calibrated probability the post gets the "low_confidence" flag (routing sends it to review)
    low_confidence_threshold: float = Field(0.5, ge=0.0, le=1.0)
