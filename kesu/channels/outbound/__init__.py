"""Messages to the customer: e-mail and SMS, the reply box, the templates."""
