"""The archive's tables. See ../shared/DESIGN.md, "Data model"."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Replace, Upper
from django.urls import reverse

# The text-search configuration created by migration 0001: english stemming on unaccented text.
SEARCH_CONFIG = "english_unaccent"


def lines_apart(field: str):
    """The field's text with a stop word before each line. A stop word takes a position in a
    search vector without being indexed, so the last word of one line (or field) and the first
    of the next are two positions apart: a phrase never matches across a title and the names,
    two names ("... White" and "House ...") or two paragraphs."""
    text = models.TextField()
    return Concat(
        Value("the ", output_field=text),
        Replace(field, Value("\n", output_field=text), Value("\nthe ", output_field=text)),
        output_field=text,
    )


class Source(models.Model):
    """The outlet a story comes from, identified by its host name."""

    domain = models.CharField(max_length=255, unique=True)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=255, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ArticleQuerySet(models.QuerySet):
    def newest_first(self):
        return self.order_by("-published", "-pk")


class Article(models.Model):
    title = models.CharField(max_length=500)
    slug = models.SlugField(max_length=255, unique=True)
    published = models.DateField()
    # Normalised (see articles/ingest/parse.py): the article's identity.
    url = models.URLField(max_length=2000, unique=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="articles")
    # Paragraphs in file order, one per line.
    body = models.TextField()
    content_hash = models.CharField(max_length=64)
    # Lines of the imported file (1 is the title) whose garbled characters were repaired.
    repaired_lines = ArrayField(models.PositiveIntegerField(), default=list, blank=True)
    # The paragraphs' indexes in their estimated reading order (articles/ingest/order.py),
    # computed at import; null for stories stored before it, which read in file order.
    reading_order = ArrayField(models.PositiveSmallIntegerField(), null=True, blank=True)
    # Names of the people and organisations the story mentions, written by the ingest service
    # because a generated column cannot read other tables.
    entity_names = models.TextField(blank=True, default="")
    search_vector = models.GeneratedField(
        expression=(
            SearchVector("title", weight="A", config=SEARCH_CONFIG)
            + SearchVector(lines_apart("entity_names"), weight="B", config=SEARCH_CONFIG)
            + SearchVector(lines_apart("body"), weight="C", config=SEARCH_CONFIG)
        ),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    people = models.ManyToManyField("Person", through="PersonMention", related_name="articles")
    organisations = models.ManyToManyField(
        "Organisation", through="OrganisationMention", related_name="articles"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published", "-pk"]
        indexes = [
            GinIndex(fields=["search_vector"], name="article_search_vector_gin"),
            models.Index(fields=["-published", "-id"], name="article_published_idx"),
            models.Index(fields=["source", "-published"], name="article_source_published_idx"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:article", args=[self.slug])

    @property
    def paragraphs(self):
        return self.body.split("\n")

    @property
    def paragraph_order(self) -> list[int] | None:
        """The estimated reading order, when it is one for the stored paragraphs."""
        order = self.reading_order
        if order and sorted(order) == list(range(len(self.paragraphs))):
            return list(order)
        return None

    @property
    def repairs_shown(self) -> str:
        """Where garbled characters were repaired: "the title and 2 paragraphs"."""
        paragraphs = sum(1 for line in self.repaired_lines if line > 1)
        parts = ["the title"] if 1 in self.repaired_lines else []
        if paragraphs:
            parts.append(f"{paragraphs} paragraph{'s' if paragraphs > 1 else ''}")
        return " and ".join(parts)


class Entity(models.Model):
    """What people and organisations share: a canonical name, a slug and the other spellings."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=220, unique=True)
    # Other names an editor confirmed: with `name`, known to every later import once confirmed.
    aliases = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    # Other spellings extraction saw ("Blinken", "Secretary Blinken"): shown and searched, but
    # never used to recognise names in later stories, so a wrong guess cannot spread.
    spellings = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    # Set by an editor: the name and aliases are right, and later imports may rely on them.
    confirmed = models.BooleanField(default=False)
    description = models.CharField(max_length=300, blank=True)
    wikidata_id = models.CharField(max_length=20, blank=True)
    # Slugs of entities merged into this one, so that their old pages redirect here.
    former_slugs = ArrayField(models.SlugField(max_length=220), default=list, blank=True)
    # Keys (name_key) of the entries merged into this one, by an editor or by resolution over
    # the archive: a later story naming one of them is this entry, not a new split.
    merged_keys = ArrayField(models.CharField(max_length=200), default=list, blank=True)
    # Set by an editor on a false entity: extraction never creates it again.
    not_an_entity = models.BooleanField(default=False)
    # How many stories mention it, kept by articles/services.py so that index pages sort by
    # it without counting every mention on each view.
    article_count = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


# Entries whose names later imports rely on or refuse.
CURATED = Q(confirmed=True) | Q(not_an_entity=True)


class Person(Entity):
    # Keys of the name for resolution across stories (articles/ingest/namekeys.py): the
    # surname alone, and first name plus surname, so that "Adam B. Schiff" finds "Adam Schiff".
    surname = models.CharField(max_length=200, blank=True, db_index=True)
    name_key = models.CharField(max_length=200, blank=True, db_index=True)

    class Meta(Entity.Meta):
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(Upper("name"), name="person_name_unique_ci"),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=r"^Q[0-9]+$"),
                name="person_wikidata_id_format",
            ),
        ]
        indexes = [
            GinIndex(fields=["former_slugs"], name="person_former_slugs_gin"),
            GinIndex(fields=["merged_keys"], name="person_merged_keys_gin"),
            models.Index(fields=["-article_count", "name"], name="person_article_count_idx"),
            # What editors curated, read by every import (services.ingest.known_entities).
            models.Index(fields=["name"], condition=CURATED, name="person_curated_idx"),
        ]

    def get_absolute_url(self):
        return reverse("articles:person", args=[self.slug])


class Organisation(Entity):
    # Keys for resolution across stories (articles/ingest/namekeys.py): the name without case,
    # dots or a leading "the" ("F.B.I." is "FBI"), and the initials of a long name ("nato").
    name_key = models.CharField(max_length=200, blank=True, db_index=True)
    acronym = models.CharField(max_length=20, blank=True, db_index=True)

    class Meta(Entity.Meta):
        constraints = [
            models.UniqueConstraint(Upper("name"), name="organisation_name_unique_ci"),
            models.CheckConstraint(
                condition=Q(wikidata_id="") | Q(wikidata_id__regex=r"^Q[0-9]+$"),
                name="organisation_wikidata_id_format",
            ),
        ]
        indexes = [
            GinIndex(fields=["former_slugs"], name="organisation_former_slugs_gin"),
            GinIndex(fields=["merged_keys"], name="organisation_merged_keys_gin"),
            models.Index(fields=["-article_count", "name"], name="org_article_count_idx"),
            models.Index(fields=["name"], condition=CURATED, name="org_curated_idx"),
        ]

    def get_absolute_url(self):
        return reverse("articles:organisation", args=[self.slug])


class PersonMention(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="person_mentions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="mentions")
    count = models.PositiveIntegerField(default=1)
    # Character offset of the first mention in the article body.
    first_offset = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "person"], name="person_mention_unique"),
        ]
        indexes = [models.Index(fields=["person", "article"], name="person_mention_person_idx")]

    def __str__(self):
        return f"{self.person} in {self.article}"


class OrganisationMention(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="organisation_mentions"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="mentions"
    )
    count = models.PositiveIntegerField(default=1)
    first_offset = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "organisation"], name="organisation_mention_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "article"], name="org_mention_org_idx"),
        ]

    def __str__(self):
        return f"{self.organisation} in {self.article}"


class Quote(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", "Direct"
        REPORTED = "reported", "Reported"

    class Status(models.TextChoices):
        UNREVIEWED = "unreviewed", "Unreviewed"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Rejected"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="quotes")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes"
    )
    # The words the story uses for the speaker ("Peskov", "the Kremlin spokesman", "he").
    speaker_text = models.CharField(max_length=300, blank=True)
    text = models.TextField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    verb = models.CharField(max_length=50, blank=True)
    # Index of the paragraph in the article body, and the quote's offsets within it.
    paragraph = models.PositiveIntegerField()
    start = models.PositiveIntegerField(default=0)
    end = models.PositiveIntegerField(default=0)
    method = models.CharField(max_length=30, blank=True)
    confidence = models.FloatField(default=0.0)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.UNREVIEWED)
    search_vector = models.GeneratedField(
        expression=SearchVector("text", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["article", "paragraph", "start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=True) | Q(organisation__isnull=True),
                name="quote_one_speaker",
            ),
            models.CheckConstraint(
                condition=Q(confidence__gte=0) & Q(confidence__lte=1),
                name="quote_confidence_range",
            ),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="quote_span"),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="quote_search_vector_gin"),
            models.Index(fields=["person", "status"], name="quote_person_idx"),
            models.Index(fields=["organisation", "status"], name="quote_organisation_idx"),
        ]

    def __str__(self):
        return self.text[:80]

    @property
    def speaker(self):
        return self.person or self.organisation


class EntityPair(models.Model):
    """Two entries that may be one person or organisation, with the evidence, for editors.

    An editor's answer is kept for good: a pair answered "not the same" is never merged by
    resolution, however strong the evidence becomes (articles/services/resolution.py).
    """

    class Decision(models.TextChoices):
        OPEN = "open", "Waiting for an editor"
        MERGED = "merged", "Merged"
        DISTINCT = "distinct", "Not the same"

    # What makes the pair likely: "surname", "spelling", "initials".
    reason = models.CharField(max_length=20)
    # The facts an editor needs: shared surname, similarity, stories in common, companions.
    evidence = models.JSONField(default=dict, blank=True)
    score = models.FloatField(default=0.0)
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.OPEN)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["decision", "-score", "pk"]

    def __str__(self):
        return f"{self.first} / {self.second}"


class PersonPair(EntityPair):
    # Null once a merge deleted that side: the answer stays on record with its names.
    first = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    second = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta(EntityPair.Meta):
        verbose_name = "possible duplicate person"
        verbose_name_plural = "possible duplicate people"
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="person_pair_unique"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="person_pair_order"),
        ]


class OrganisationPair(EntityPair):
    # Null once a merge deleted that side: the answer stays on record with its names.
    first = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    second = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta(EntityPair.Meta):
        verbose_name = "possible duplicate organisation"
        verbose_name_plural = "possible duplicate organisations"
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="organisation_pair_unique"),
            models.CheckConstraint(
                condition=Q(first__lt=F("second")), name="organisation_pair_order"
            ),
        ]


class ImportBatch(models.Model):
    """One import (an admin upload, a command run, the seed loader): an audit trail.

    Its files wait in ImportFile rows (the database, not a web server's disk) and are stored
    by background jobs (articles/tasks.py); the counts move as each file finishes, in the same
    transaction, so they are right at every moment.
    """

    class Origin(models.TextChoices):
        ADMIN = "admin", "Admin upload"
        COMMAND = "command", "Command line"
        SEEDS = "seeds", "Seed loader"
        REEXTRACT = "reextract", "Re-extraction"

    class Status(models.TextChoices):
        PREVIEW = "preview", "Waiting for confirmation"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    origin = models.CharField(max_length=10, choices=Origin.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREVIEW)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    # Set at every finished file: a running batch whose progress is old has lost its workers.
    progressed = models.DateTimeField(null=True, blank=True)
    total_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    cancelled_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created"]
        verbose_name_plural = "import batches"
        indexes = [models.Index(fields=["status", "created"], name="importbatch_status_idx")]

    def __str__(self):
        return f"Import #{self.pk} ({self.get_origin_display()}, {self.created:%Y-%m-%d %H:%M})"

    # The counts of settled files: together they reach total_count when the batch is done.
    DONE_COUNTS = (
        "created_count",
        "updated_count",
        "unchanged_count",
        "rejected_count",
        "failed_count",
        "cancelled_count",
    )

    @property
    def done_count(self) -> int:
        return sum(getattr(self, field) for field in self.DONE_COUNTS)

    @property
    def finished_work(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.CANCELLED)


class ImportFile(models.Model):
    """One file of an import batch: its content until it is stored, then its outcome."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        CREATED = "created", "Created"
        UPDATED = "updated", "Updated"
        UNCHANGED = "unchanged", "Unchanged"
        REJECTED = "rejected", "Rejected"
        FAILED = "failed", "Failed"
        CANCELLED = "cancelled", "Cancelled"

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="files")
    filename = models.CharField(max_length=500)
    # What the preview predicted from parsing alone: created, updated, unchanged or rejected.
    expected = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    message = models.TextField(blank=True)
    # The file's bytes while it waits; emptied once it is stored.
    content = models.BinaryField(null=True, blank=True, editable=False)
    # A re-extraction names the stored story instead of carrying content.
    article = models.ForeignKey(Article, null=True, blank=True, on_delete=models.SET_NULL)
    # When a worker took the file up (its last try) and when it was settled.
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["batch", "pk"]
        indexes = [models.Index(fields=["batch", "outcome"], name="importfile_batch_outcome_idx")]

    def __str__(self):
        return f"{self.filename}: {self.outcome}"
