"""python manage.py resolve_entities : join and queue duplicate people over the archive."""

from django.core.management.base import BaseCommand

from articles.services import archive_resolve


class Command(BaseCommand):
    help = (
        "Resolve people over the stored archive: merge surname-only entries into the one "
        "full name that dominates them, and clear spelling variants; queue doubtful pairs for "
        "editors (admin: possible duplicates). Editors' answers are never undone. Workers run "
        "this after every import batch."
    )

    def handle(self, *args, verbosity, **options):
        report = archive_resolve()
        if verbosity >= 1:
            for source, target in report.merged:
                self.stdout.write(f"merged    {source} -> {target}")
            self.stdout.write(
                f"{len(report.merged)} merged, {report.proposed} proposed to editors."
            )
