"""Models of the scripts library (话术) and macros.

A Script is a phrase for a situation, written with the placeholders of the customer messages
(kesu.channels.outbound.texts, plus {处理人}); a Macro is a named, ordered list of complaint actions and at
most one reply from the library, applied in one click (kesu.scripts.actions.do_run_macro)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Situation(models.TextChoices):
    FIRST_CONTACT = "first_contact", pgettext_lazy("script situation", "First contact")
    APOLOGY = "apology", pgettext_lazy("script situation", "Apology")
    DELAY = "delay", pgettext_lazy("script situation", "Delay")
    REFUSAL = "refusal", pgettext_lazy("script situation", "Refusal")
    NOT_JUSTIFIED = "not_justified", pgettext_lazy("script situation", "Not justified (不成立)")
    CLOSING = "closing", pgettext_lazy("script situation", "Closing")
    REVISIT = "revisit", pgettext_lazy("script situation", "Revisit")


class ScriptChannel(models.TextChoices):
    PHONE = "phone", pgettext_lazy("script channel", "Phone (spoken)")
    EMAIL = "email", pgettext_lazy("script channel", "E-mail")
    SMS = "sms", pgettext_lazy("script channel", "SMS")


class ScriptLanguage(models.TextChoices):
    ZH = "zh-hans", pgettext_lazy("language", "Chinese")
    EN = "en", pgettext_lazy("language", "English")


class Script(models.Model):
    key = models.SlugField(
        _("key"),
        max_length=60,
        blank=True,
        help_text=_("Set on the starter set so that loading it again updates rather than duplicates."),
    )
    title = models.CharField(_("title"), max_length=120)
    situation = models.CharField(_("situation"), max_length=20, choices=Situation.choices, db_index=True)
    type_codes = models.JSONField(
        _("complaint types"), default=list, blank=True, help_text=_("Complaint type codes; empty: every type.")
    )
    channels = models.JSONField(
        _("channels"), default=list, blank=True, help_text=_("phone, email, sms; empty: every channel.")
    )
    language = models.CharField(_("language"), max_length=8, choices=ScriptLanguage.choices, default=ScriptLanguage.ZH)
    text = models.TextField(_("text"))
    active = models.BooleanField(_("active"), default=True)
    use_count = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("script")
        verbose_name_plural = _("scripts")
        ordering = ["situation", "language", "title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "language"], condition=~models.Q(key=""), name="script_unique_key"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from .rendering import unknown_placeholders

        errors: dict[str, list[str]] = {}
        unknown = unknown_placeholders(self.text or "")
        if unknown:
            errors["text"] = [
                _("Unknown placeholder: %(names)s.") % {"names": ", ".join("{" + n + "}" for n in unknown)}
            ]
        for name, allowed in (("type_codes", None), ("channels", ScriptChannel.values)):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
                errors[name] = [_('A list of codes, for example ["delivery"].')]
            elif allowed is not None and any(v not in allowed for v in value):
                errors[name] = [_("Each must be one of: %(choices)s.") % {"choices": ", ".join(allowed)}]
        if "type_codes" not in errors and self.type_codes:
            from kesu.complaints.models import Category

            known = set(Category.objects.filter(code__in=self.type_codes).values_list("code", flat=True))
            missing = [v for v in self.type_codes if v not in known]
            if missing:
                errors["type_codes"] = [_("Unknown complaint type: %(codes)s.") % {"codes": ", ".join(missing)}]
        if errors:
            raise ValidationError(errors)


class Macro(models.Model):
    """steps: [{"action": "<complaint action>", "args": {...}}, ..., {"reply": <script id>, "channel": "email"}]"""

    key = models.SlugField(_("key"), max_length=60, blank=True)
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    steps = models.JSONField(_("steps"), default=list)
    active = models.BooleanField(_("active"), default=True)
    use_count = models.PositiveIntegerField(_("times used"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("macro")
        verbose_name_plural = _("macros")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["key"], condition=~models.Q(key=""), name="macro_unique_key"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from .macros import step_errors

        errors = step_errors(self.steps)
        if errors:
            raise ValidationError({"steps": errors})
