"""factory_boy factories for the archive's models; any test module may import them.

`ArticleFactory(people=[...], organisations=[...])` also writes the mentions and the
`entity_names` text the ingest service would write, so the search vector sees the names.
"""

import datetime
import hashlib

import factory
from django.utils.text import slugify

from articles.models import (
    Article,
    Organisation,
    OrganisationMention,
    Person,
    PersonMention,
    Quote,
    Source,
)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("domain",)

    domain = factory.Sequence(lambda n: f"news{n}.example.com")
    name = factory.LazyAttribute(lambda source: source.domain.split(".")[0].title())
    slug = factory.LazyAttribute(lambda source: slugify(source.domain))


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person Number{n}")
    slug = factory.LazyAttribute(lambda person: slugify(person.name))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation Number{n}")
    slug = factory.LazyAttribute(lambda organisation: slugify(organisation.name))


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Story number {n}")
    slug = factory.LazyAttributeSequence(lambda article, n: f"{slugify(article.title)[:200]}-{n}")
    published = factory.Sequence(lambda n: datetime.date(2021, 1, 1) + datetime.timedelta(days=n))
    url = factory.Sequence(lambda n: f"https://news.example.com/story/{n}/")
    source = factory.SubFactory(SourceFactory)
    body = "A paragraph of ordinary reporting.\nA second paragraph."
    content_hash = factory.LazyAttribute(
        lambda article: hashlib.sha256(article.body.encode()).hexdigest()
    )

    @factory.post_generation
    def people(article, create, people, **kwargs):
        for person in people or []:
            PersonMention.objects.create(article=article, person=person)
            # What the ingest service keeps up to date.
            person.article_count += 1
            person.save(update_fields=["article_count"])
        _write_entity_names(article, create)

    @factory.post_generation
    def organisations(article, create, organisations, **kwargs):
        for organisation in organisations or []:
            OrganisationMention.objects.create(article=article, organisation=organisation)
            organisation.article_count += 1
            organisation.save(update_fields=["article_count"])
        _write_entity_names(article, create)


def _write_entity_names(article, create):
    if not create:
        return
    names = [mention.person.name for mention in article.person_mentions.select_related("person")]
    names += [
        mention.organisation.name
        for mention in article.organisation_mentions.select_related("organisation")
    ]
    entity_names = "\n".join(names)
    if entity_names != article.entity_names:
        Article.objects.filter(pk=article.pk).update(entity_names=entity_names)
        article.entity_names = entity_names


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    article = factory.SubFactory(ArticleFactory)
    text = "A paragraph"
    kind = Quote.Kind.DIRECT
    verb = "said"
    paragraph = 0
    start = 0
    end = factory.LazyAttribute(lambda quote: quote.start + len(quote.text))
    confidence = 0.9
