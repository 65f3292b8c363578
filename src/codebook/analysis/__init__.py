"""Tidy pandas frames and the statistics built on them; shared by CLI, notebooks and reports."""
