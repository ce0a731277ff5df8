"""Fixtures for the intents tests: the shipped classifier, loaded once per session."""

from __future__ import annotations

import pytest

from intents.classifier import IntentClassifier


@pytest.fixture(scope="session")
def classifier() -> IntentClassifier:
    return IntentClassifier.load(provider_names=["Parley Telecom", "Parley"], provider_handles=["parleytelecom"])
