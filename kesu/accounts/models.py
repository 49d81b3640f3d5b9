import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from kesu.core.names import BilingualName

from .roles import ORG_WIDE_ROLES, UNMASK_ROLES, Role


class Department(BilingualName, models.Model):
    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    head = models.ForeignKey(
        "accounts.User",
        verbose_name=_("department head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_departments",
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return f"{self.display_name} ({self.code})"


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    departments = models.ManyToManyField(Department, verbose_name=_("departments"), blank=True, related_name="members")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def label(self) -> str:
        return str(self)

    @property
    def sees_whole_organisation(self) -> bool:
        return self.role in ORG_WIDE_ROLES

    @property
    def may_unmask(self) -> bool:
        return self.role in UNMASK_ROLES

    def department_ids(self) -> set[int]:
        cached = getattr(self, "_department_ids", None)
        if cached is None:
            cached = set(self.departments.values_list("id", flat=True))
            self._department_ids = cached
        return cached


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the HTTP API. Only its hash is stored; the raw value is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"

    @classmethod
    def issue(cls, user: User, *, name: str = "") -> tuple["ApiToken", str]:
        raw = "ks_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=raw[:10], token_hash=hash_token(raw))
        return token, raw


# ---------------------------------------------------------------------------------------------
# Sign-in through 企业微信 (WeCom) and 钉钉 (DingTalk): their OAuth web login (kesu.web.oauth_views)


class SignInProviderKind(models.TextChoices):
    WECOM = "wecom", _("WeCom (企业微信)")
    DINGTALK = "dingtalk", _("DingTalk (钉钉)")


# Where each provider's login page and API live; the admin may point them elsewhere (a proxy, a test double).
PROVIDER_DEFAULTS = {
    SignInProviderKind.WECOM: {
        "authorize_url": "https://login.work.weixin.qq.com/wwlogin/sso/login",
        "api_base_url": "https://qyapi.weixin.qq.com",
    },
    SignInProviderKind.DINGTALK: {
        "authorize_url": "https://login.dingtalk.com/oauth2/auth",
        "api_base_url": "https://api.dingtalk.com",
    },
}


class SignInProvider(models.Model):
    """One organisation account at WeCom or DingTalk whose staff may sign in with it.

    WeCom: corp id (企业ID), the self-built app's agent id (AgentId) and its secret (Secret).
    DingTalk: the app's client id (AppKey), its secret (AppSecret), and the corp id (CorpId) the signed-in
    person must belong to."""

    kind = models.CharField(_("provider"), max_length=20, choices=SignInProviderKind.choices, unique=True)
    enabled = models.BooleanField(_("enabled"), default=False)
    corp_id = models.CharField(
        _("corp id"), max_length=100, blank=True, help_text=_("WeCom: 企业ID. DingTalk: CorpId of your organisation.")
    )
    app_key = models.CharField(
        _("app key"), max_length=100, blank=True, help_text=_("DingTalk: AppKey (Client ID). Not used by WeCom.")
    )
    agent_id = models.CharField(
        _("agent id"), max_length=100, blank=True, help_text=_("WeCom: AgentId of the self-built app.")
    )
    secret = models.CharField(_("secret"), max_length=200, blank=True)
    authorize_url = models.URLField(_("login page address"), blank=True, help_text=_("Empty: the provider's own."))
    api_base_url = models.URLField(_("API address"), blank=True, help_text=_("Empty: the provider's own."))
    match_by_mobile = models.BooleanField(
        _("match by mobile number"),
        default=False,
        help_text=_("Sign in a person with no binding as the kesu user with the same phone (only if exactly one)."),
    )
    match_by_email = models.BooleanField(
        _("match by e-mail"),
        default=False,
        help_text=_("Sign in a person with no binding as the kesu user with the same e-mail (only if exactly one)."),
    )

    class Meta:
        verbose_name = _("sign-in provider")
        verbose_name_plural = _("sign-in providers")

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def endpoint(self, name: str) -> str:
        value = getattr(self, name) or PROVIDER_DEFAULTS[SignInProviderKind(self.kind)][name]
        return value.rstrip("/") if name == "api_base_url" else value

    def missing_settings(self) -> list[str]:
        """The settings this provider cannot work without, by their label."""
        needed = ["corp_id", "agent_id", "secret"] if self.kind == SignInProviderKind.WECOM else ["app_key", "secret"]
        return [str(self._meta.get_field(name).verbose_name) for name in needed if not getattr(self, name)]


class ExternalIdentity(models.Model):
    """The person at the provider (WeCom userid, DingTalk unionId) and the kesu user they sign in as."""

    provider = models.ForeignKey(
        SignInProvider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="identities"
    )
    external_id = models.CharField(_("their user id"), max_length=128)
    user = models.ForeignKey(
        User, verbose_name=_("kesu user"), on_delete=models.CASCADE, related_name="external_identities"
    )
    matched_by = models.CharField(_("linked by"), max_length=20, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("last sign-in"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("sign-in binding")
        verbose_name_plural = _("sign-in bindings")
        constraints = [
            models.UniqueConstraint(fields=["provider", "external_id"], name="external_identity_unique"),
            models.UniqueConstraint(fields=["provider", "user"], name="external_identity_one_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.external_id} → {self.user}"
