from django.core.management.base import BaseCommand

from cms.demo import seed_journey


class Command(BaseCommand):
    help = "Create the onboarding journey, guides and FAQs (Vietnamese and English). Idempotent."

    def handle(self, *args, **options):
        seed_journey()
        self.stdout.write(self.style.SUCCESS("Journey, guides and FAQs are in place."))
