from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kesu.channels.inbound.actions import do_create_source, do_rotate_secret
from kesu.complaints.models import Channel
from kesu.core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create a source that may POST complaints to /api/v1/inbound/NAME; its secret is the last line of the "
        "output (shown only once). --rotate gives an existing source a new secret."
    )

    def add_arguments(self, parser):
        parser.add_argument("name", help="letters, digits, - and _ (the last part of the webhook URL)")
        parser.add_argument(
            "--channel",
            choices=Channel.values,
            default=None,
            help="the complaint's channel when a request gives none (default api; regulator for 12315 transfers)",
        )
        parser.add_argument("--rotate", action="store_true", help="replace the secret of an existing source")

    def handle(self, *args, name, channel, rotate, **options):
        try:
            if rotate:
                source, secret = do_rotate_secret(name, now=timezone.now(), channel=channel)
                self.stdout.write(f"New secret for inbound source {source.name} (the old one no longer works):")
            else:
                source, secret = do_create_source(name, channel=channel or Channel.API)
                self.stdout.write(f"Inbound source {source.name} created (channel {source.default_channel}).")
        except DomainError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items()) or exc.message) from None
        self.stdout.write(f"POST /api/v1/inbound/{source.name}, signed with this secret (shown only once):")
        self.stdout.write(secret)
