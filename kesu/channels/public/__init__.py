"""The public complaint form and the customer's tracking page (no login)."""
