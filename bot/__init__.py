"""Parley: a social customer-care bot for a telecom provider."""

__version__ = "0.1.0"
