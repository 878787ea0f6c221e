"""``propdesk reseal_secrets``: seal every provider secret with the current SEALING_KEY (after a
key rotation, with the old key still in SEALING_KEY_FALLBACKS), in one transaction."""

from django.core.management.base import BaseCommand
from django.db import transaction

from propdesk.notify.models import ProviderConfig


class Command(BaseCommand):
    help = "Seal the stored provider secrets again with the current SEALING_KEY."

    def handle(self, *args, **options):
        count = 0
        with transaction.atomic():
            for row in ProviderConfig.objects.select_for_update(of=("self",)).exclude(secret=""):
                row.save(update_fields=["secret"])  # read with any key, sealed with the first
                count += 1
        self.stdout.write(f"{count} secret(s) sealed with the current key")
