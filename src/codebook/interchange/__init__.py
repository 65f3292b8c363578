"""interchange stage."""
