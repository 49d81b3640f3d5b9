"""Importing old complaint records from Excel and CSV."""
