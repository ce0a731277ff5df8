"""Deciding and writing answers: routing, templates, the guard, offers."""
