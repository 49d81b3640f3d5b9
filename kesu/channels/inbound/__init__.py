"""Signed webhooks from other systems (CRM, e-commerce, call centre, 12315 transfers)."""
