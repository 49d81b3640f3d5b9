from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CustomerKind(models.TextChoices):
    CONSUMER = "consumer", pgettext_lazy("customer kind", "Consumer")
    FRANCHISEE = "franchisee", pgettext_lazy("customer kind", "Franchisee")
    BUSINESS = "business", pgettext_lazy("customer kind", "Business customer")
    OTHER = "other", pgettext_lazy("customer kind", "Other")


class Relationship(models.TextChoices):
    NEW = "new", pgettext_lazy("customer relationship", "New customer")
    EXISTING = "existing", pgettext_lazy("customer relationship", "Existing customer")
    VIP = "vip", pgettext_lazy("customer relationship", "VIP")


class ContactPreference(models.TextChoices):
    PHONE = "phone", pgettext_lazy("contact preference", "Phone")
    SMS = "sms", pgettext_lazy("contact preference", "SMS")
    EMAIL = "email", pgettext_lazy("contact preference", "E-mail")
    WECHAT = "wechat", pgettext_lazy("contact preference", "WeChat")


class Customer(models.Model):
    """A complainant, found again by phone, e-mail or the caller's external id (R-REC-2).

    Each of the three keys belongs to at most one customer (a partial unique index: empty is no key), so
    two complaints recorded at the same moment for a new phone find one customer, not two. Phones are
    stored normalised (digits and "+", see actions.normalise_phone), e-mails in lower case."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=CustomerKind.choices, default=CustomerKind.CONSUMER)
    phone = models.CharField(_("phone"), max_length=30, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    external_id = models.CharField(_("customer id"), max_length=64, blank=True, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=32, blank=True)
    relationship = models.CharField(
        _("relationship"), max_length=20, choices=Relationship.choices, default=Relationship.NEW
    )
    preferred_contact = models.CharField(
        _("preferred contact"), max_length=20, choices=ContactPreference.choices, default=ContactPreference.PHONE
    )
    company = models.CharField(_("company"), max_length=200, blank=True)
    # Who recorded the complaint that created this record: they know the customer's identity already.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="customer_unique_phone"),
            models.UniqueConstraint(fields=["email"], condition=~Q(email=""), name="customer_unique_email"),
            models.UniqueConstraint(
                fields=["external_id"], condition=~Q(external_id=""), name="customer_unique_external_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name
