"""Routers of the console: sign-in, pages, admin pages and the JSON API."""
