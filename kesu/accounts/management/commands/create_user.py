import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kesu.accounts.models import Department, User
from kesu.accounts.roles import Role


class Command(BaseCommand):
    help = "Create a user (or update an existing one's role, department and password)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--department", action="append", default=[], help="department code; repeat for several. Created if missing."
        )
        parser.add_argument("--password", help="default: a random one, printed")
        parser.add_argument("--name", default="", help="display name")
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, *args, username, role, department, password, name, email, **options):
        username = username.strip()
        if not username:
            raise CommandError("username: must not be empty")
        if password is not None and len(password) < 8:
            raise CommandError("--password: must be at least 8 characters")
        generated = password is None
        password = password or secrets.token_urlsafe(12)
        user, created = User.objects.get_or_create(username=username)
        user.role = role
        if name:
            user.display_name = name
        if email:
            user.email = email
        user.is_staff = role == Role.ADMIN
        user.is_superuser = role == Role.ADMIN
        user.set_password(password)
        user.save()
        for code in department:
            dept, _ = Department.objects.get_or_create(code=code.strip().upper(), defaults={"name": code.strip()})
            user.departments.add(dept)
        verb = "created" if created else "updated"
        self.stdout.write(f"{verb} user {username} (role {role})")
        if generated:
            self.stdout.write(f"password: {password}")
