"""``propdesk cases starter --company CODE``: load the starter case library (knowledge/starter.py)
into a company, published; the cases it already has are left alone."""

from django.core.management.base import BaseCommand, CommandError

from propdesk.knowledge import services
from propdesk.org.models import Company


class Command(BaseCommand):
    help = "Load the starter case library into a company."

    def add_arguments(self, parser):
        what = parser.add_subparsers(dest="what", required=True)
        starter = what.add_parser("starter", help="load the starter case library")
        starter.add_argument("--company", required=True, help="the company's code")

    def handle(self, *args, what, company: str, **options):
        target = Company.objects.filter(code=company).first()
        if target is None:
            raise CommandError(f"no company with the code {company!r}")
        added = services.load_starter(target)
        self.stdout.write(f"{added} case(s) added to {target.code}")
