from .attachment import Attachment
from .category import Category
from .complaint import Channel, Complaint, Demand, IdempotencyKey
from .customer import Customer, CustomerKind, Relationship
from .event import Event

__all__ = [
    "Attachment",
    "Category",
    "Channel",
    "Complaint",
    "Customer",
    "CustomerKind",
    "Demand",
    "Event",
    "IdempotencyKey",
    "Relationship",
]
