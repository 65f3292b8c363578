"""suggest stage."""
