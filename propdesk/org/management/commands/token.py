"""``propdesk token create --user NAME [--name PURPOSE]``; ``propdesk token revoke --user NAME``."""

from django.core.management.base import BaseCommand, CommandError

from propdesk.core.audit import audit
from propdesk.core.errors import DomainError
from propdesk.core.models import AuditAction
from propdesk.org.models import User
from propdesk.org.services import create_api_token, revoke_api_tokens


class Command(BaseCommand):
    help = "Create or revoke bearer tokens for the API."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke"])
        parser.add_argument("--user", required=True, help="username of the staff member")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(self, *args, action, user, name, **options):
        account = User.objects.filter(username=user).first()
        if account is None:
            raise CommandError(f"no user named {user!r}")
        if action == "create":
            try:
                token = create_api_token(account, name=name)
            except DomainError as exc:  # e.g. a deactivated account: a message, not a traceback
                raise CommandError(f"{user}: {exc.message}") from None
            audit(
                account,
                AuditAction.TOKEN_CREATED,
                object_type="user",
                object_id=account.pk,
                detail={"name": name},
            )
            self.stdout.write(token)
        else:
            count = revoke_api_tokens(account)
            self.stdout.write(f"revoked {count} token(s) of {user}")
