from django.core.management.base import BaseCommand, CommandError

from kesu.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue a new API token for a user; the token is the last line of the output (shown only once)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"username: no user called {username!r}")
        if not user.is_active:
            raise CommandError(f"username: {username!r} is deactivated")
        _token, raw = ApiToken.issue(user, name=name)
        self.stdout.write(f"API token for {username} (shown only once):")
        self.stdout.write(raw)
