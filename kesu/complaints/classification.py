"""The classification vocabulary shared by all playbooks (R-CLS-2).

Manufacturing grades severity A/B; retail grades the handling level 1/2/3; the service matrix grades
priority urgent/important/routine. A complaint carries all three fields; a playbook fills the ones
it uses.
"""

from django.db import models
from django.utils.translation import pgettext_lazy


class Severity(models.TextChoices):
    A = "A", pgettext_lazy("severity", "A — major")
    B = "B", pgettext_lazy("severity", "B — ordinary")
    C = "C", pgettext_lazy("severity", "C — minor")


class Priority(models.TextChoices):
    URGENT = "urgent", pgettext_lazy("priority", "Urgent")
    IMPORTANT = "important", pgettext_lazy("priority", "Important")
    ROUTINE = "routine", pgettext_lazy("priority", "Routine")


class Level(models.IntegerChoices):
    ONE = 1, pgettext_lazy("level", "Level 1 — ordinary")
    TWO = 2, pgettext_lazy("level", "Level 2 — serious")
    THREE = 3, pgettext_lazy("level", "Level 3 — very serious")


class Flag(models.TextChoices):
    LINE_STOP = "line_stop", pgettext_lazy("flag", "Customer's line stopped")
    BATCH = "batch", pgettext_lazy("flag", "Batch problem")
    ROHS_REACH = "rohs_reach", pgettext_lazy("flag", "RoHS/REACH non-compliance")
    SAFETY = "safety", pgettext_lazy("flag", "Personal safety")
    MEDIA = "media", pgettext_lazy("flag", "Media / public opinion")
    REGULATOR = "regulator", pgettext_lazy("flag", "Regulator (12315)")


MAX_LEVEL = 3
