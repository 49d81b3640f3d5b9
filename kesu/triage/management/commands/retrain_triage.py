from django.core.management.base import BaseCommand
from django.utils import timezone

from kesu.triage.training import retrain


def _figures(figures) -> str:
    if not figures.get("items"):
        return "no held-back examples"
    return (
        f"accuracy {figures['accuracy']:.1%}, lenient {figures['lenient']:.1%}, "
        f"log-loss {figures['log_loss']:.3f} on {figures['items']} held-back examples"
    )


class Command(BaseCommand):
    help = (
        "Train a candidate triage model on the shipped development set and agents' triage decisions, evaluate it "
        "beside the active version on the same held-back examples, and let it take over if it is not worse."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-new", action="store_true", help="only when decisions arrived or the shipped set changed"
        )

    def handle(self, *args, if_new=False, **options):
        outcome = retrain(now=timezone.now(), force=not if_new)
        if outcome.skipped:
            self.stdout.write(f"not trained: {outcome.decision}")
            return
        row = outcome.candidate
        previous = "the lexicon alone" if outcome.previous_version is None else f"version {outcome.previous_version}"
        self.stdout.write(
            f"trained on {row.training['shipped']} shipped examples and {row.training['corrections']} agent decisions"
        )
        self.stdout.write(f"candidate version {row.version}: {_figures(outcome.figures['candidate'])}")
        self.stdout.write(f"active {previous}: {_figures(outcome.figures['previous'])}")
        self.stdout.write(f"version {row.version} {outcome.decision}")
