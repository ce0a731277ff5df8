"""Pydantic model of the classifier's part of config.yaml."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ClassifierSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model_dir: str = ""  # empty: the model that ships with the package
