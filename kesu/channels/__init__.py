"""Intake channels and the customer's side (R-IN): one app per channel, sharing `links` and `addresses`."""
