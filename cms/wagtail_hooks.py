"""Wagtail admin wiring of the Workers' Home website (each feature registers its own hooks)."""
