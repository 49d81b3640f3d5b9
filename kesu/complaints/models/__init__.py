from .attachment import Attachment
from .category import Category
from .complaint import Channel, Complaint, Demand, IdempotencyKey
from .customer import Customer, CustomerKind, Relationship
from .event import Event
from .link import ComplaintLink, LinkKind

__all__ = [
    "Attachment",
    "Category",
    "Channel",
    "Complaint",
    "ComplaintLink",
    "Customer",
    "CustomerKind",
    "Demand",
    "Event",
    "IdempotencyKey",
    "LinkKind",
    "Relationship",
]
