"""Personal data masking (PIPL): what lists, exports and most roles see."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """13812341234 → 138****1234; short numbers keep only their last two digits."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(digits) > 4:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def mask_email(email: str) -> str:
    if not email or "@" not in email:
        return email and "***"
    local, domain = email.split("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_id_number(value: str) -> str:
    """110101199001011234 → 110101********1234."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"
