"""Read-only: which version of the learned type model is active, how it was judged, and why it took over (or not)."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from kesu.core.admin import ReadOnlyAdmin

from .models import TriageModel


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1%}"


@admin.register(TriageModel)
class TriageModelAdmin(ReadOnlyAdmin):
    list_display = (
        "version",
        "active",
        "created_at",
        "took_over_at",
        "held_back_accuracy",
        "previous_accuracy",
        "trained_on",
        "decision",
    )
    list_filter = ("active",)
    fields = (
        "version",
        "active",
        "created_at",
        "took_over_at",
        "retired_at",
        "decision",
        "figures",
        "training",
        "last_event_id",
        "data_fingerprint",
        "vocabulary_size",
    )
    readonly_fields = fields

    def get_queryset(self, request):
        # The parameters (the whole vocabulary) are never needed here.
        return super().get_queryset(request).defer("params")

    @admin.display(description=_("held-back accuracy"))
    def held_back_accuracy(self, obj) -> str:
        return _pct(((obj.evaluation or {}).get("candidate") or {}).get("accuracy"))

    @admin.display(description=_("accuracy of the version it was judged against"))
    def previous_accuracy(self, obj) -> str:
        return _pct(((obj.evaluation or {}).get("previous") or {}).get("accuracy"))

    @admin.display(description=_("trained on"))
    def trained_on(self, obj) -> str:
        training = obj.training or {}
        return _("%(shipped)s shipped, %(corrections)s agent decisions") % {
            "shipped": training.get("shipped", 0),
            "corrections": training.get("corrections", 0),
        }

    @admin.display(description=_("figures on the held-back examples"))
    def figures(self, obj):
        evaluation = obj.evaluation or {}
        rows = []
        for key, label in (("candidate", _("this version")), ("previous", _("the version active then"))):
            f = evaluation.get(key) or {}
            rows.append(
                (
                    label,
                    _pct(f.get("accuracy")),
                    _pct(f.get("lenient")),
                    "—" if f.get("log_loss") is None else f"{f['log_loss']:.3f}",
                    f.get("items", 0),
                )
            )
        header = (_("model"), _("accuracy"), _("lenient accuracy"), _("log-loss"), _("examples"))
        head = format_html_join("", "<th>{}</th>", ((h,) for h in header))
        body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
        return format_html_join("", "<table><tr>{}</tr>{}</table>", [(head, body)])

    @admin.display(description=_("vocabulary size"))
    def vocabulary_size(self, obj) -> int:
        params = TriageModel.objects.filter(pk=obj.pk).values_list("params", flat=True).first() or {}
        return len(params.get("vocabulary") or {})
