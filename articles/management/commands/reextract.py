"""python manage.py reextract : run extraction again over every story, keeping editor decisions."""

import sys

from django.core.management.base import BaseCommand
from tqdm import tqdm

from articles.models import Article
from articles.services import articles_reextract


class Command(BaseCommand):
    help = (
        "Run extraction again over every stored story. Verified and rejected quotes, merges, "
        "aliases and names marked not an entity are kept."
    )

    def handle(self, *args, verbosity, **options):
        with tqdm(
            total=Article.objects.count(),
            unit="story",
            file=sys.stderr,
            disable=verbosity < 1 or not sys.stderr.isatty(),
        ) as progress:
            count = articles_reextract(on_article=lambda article: progress.update())
        if verbosity >= 1:
            self.stdout.write(f"Re-extracted {count} stories.")
