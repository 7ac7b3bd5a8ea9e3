"""What the API says about each thing, and the schema drf-spectacular publishes for it.

Links are absolute: `archive_url` is the page a reader sees, `api_url` this API's address for
the same thing, `url` a story's original address at its source.
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.models import Article, Organisation, Person, Quote, Source


def _absolute(context, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


@extend_schema_field(OpenApiTypes.URI)
class LinkField(serializers.Field):
    """An absolute link to a named URL of an object, reversed by its slug (or by the dotted
    path `lookup`)."""

    def __init__(self, url_name, lookup="slug", **kwargs):
        self.url_name = url_name
        self.lookup = lookup
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        for name in self.lookup.split("."):
            value = getattr(value, name)
        return _absolute(self.context, reverse(self.url_name, args=[value]))


@extend_schema_field(OpenApiTypes.URI)
class SearchLinkField(serializers.Field):
    """An absolute link to a list (the API's or the search page) filtered by this entity."""

    def __init__(self, url_name, parameter, **kwargs):
        self.url_name = url_name
        self.parameter = parameter
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, value):
        return _absolute(self.context, f"{reverse(self.url_name)}?{self.parameter}={value.slug}")


class SourceSerializer(serializers.ModelSerializer):
    api_url = LinkField("api:source-detail")
    articles_url = SearchLinkField("api:article-list", "source")

    class Meta:
        model = Source
        fields = ["slug", "name", "domain", "api_url", "articles_url"]


class PersonMentionSerializer(serializers.Serializer):
    """A person a story names (read from the mention)."""

    slug = serializers.CharField(source="person.slug")
    name = serializers.CharField(source="person.name")
    mentions = serializers.IntegerField(source="count", help_text="How often the story names them.")
    api_url = LinkField("api:person-detail", lookup="person.slug")
    archive_url = LinkField("articles:person", lookup="person.slug")


class OrganisationMentionSerializer(serializers.Serializer):
    slug = serializers.CharField(source="organisation.slug")
    name = serializers.CharField(source="organisation.name")
    mentions = serializers.IntegerField(source="count", help_text="How often the story names it.")
    api_url = LinkField("api:organisation-detail", lookup="organisation.slug")
    archive_url = LinkField("articles:organisation", lookup="organisation.slug")


class SpeakerSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["person", "organisation"])
    slug = serializers.CharField()
    name = serializers.CharField()
    api_url = serializers.URLField()
    archive_url = serializers.URLField()


def speaker_of(quote: Quote, context) -> dict | None:
    """Who said it, as the archive's pages show it: nobody when extraction found no one or an
    editor marked the speaker "not an entity" (then `speaker_words` is all there is)."""
    for kind, entity in (("person", quote.person), ("organisation", quote.organisation)):
        if entity is not None and not entity.not_an_entity:
            return {
                "kind": kind,
                "slug": entity.slug,
                "name": entity.name,
                "api_url": _absolute(context, reverse(f"api:{kind}-detail", args=[entity.slug])),
                "archive_url": _absolute(context, entity.get_absolute_url()),
            }
    return None


class QuoteFieldsMixin(serializers.Serializer):
    speaker = serializers.SerializerMethodField()
    speaker_words = serializers.CharField(
        source="speaker_text", help_text="The words the story uses for the speaker."
    )

    @extend_schema_field(SpeakerSerializer(allow_null=True))
    def get_speaker(self, quote):
        return speaker_of(quote, self.context)


class StoryQuoteSerializer(QuoteFieldsMixin, serializers.ModelSerializer):
    """A quote inside a story."""

    class Meta:
        model = Quote
        fields = [
            "id",
            "text",
            "kind",
            "verb",
            "speaker",
            "speaker_words",
            "paragraph",
            "start",
            "end",
            "status",
            "method",
            "confidence",
        ]


class ArticleSummarySerializer(serializers.ModelSerializer):
    """A story where a quote is listed."""

    source = serializers.CharField(source="source.name")
    api_url = LinkField("api:article-detail")
    archive_url = LinkField("articles:article")

    class Meta:
        model = Article
        fields = ["slug", "title", "published", "source", "url", "api_url", "archive_url"]


class QuoteSerializer(StoryQuoteSerializer):
    article = ArticleSummarySerializer()

    class Meta(StoryQuoteSerializer.Meta):
        fields = [*StoryQuoteSerializer.Meta.fields, "article"]


class ArticleSerializer(serializers.ModelSerializer):
    """A story with the people and organisations it names (most named first) and its quotes
    in reading order."""

    source = SourceSerializer()
    people = PersonMentionSerializer(source="named_people", many=True)
    organisations = OrganisationMentionSerializer(source="named_organisations", many=True)
    quotes = StoryQuoteSerializer(source="shown_quotes", many=True)
    api_url = LinkField("api:article-detail")
    archive_url = LinkField("articles:article")

    class Meta:
        model = Article
        fields = [
            "slug",
            "title",
            "published",
            "source",
            "url",
            "api_url",
            "archive_url",
            "people",
            "organisations",
            "quotes",
        ]


class ArticleDetailSerializer(ArticleSerializer):
    paragraphs = serializers.ListField(
        child=serializers.CharField(), help_text="The story's text, one paragraph an item."
    )

    reading_order = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        source="paragraph_order",
        allow_null=True,
        read_only=True,
        help_text="Indexes into paragraphs in their estimated reading order (stories arrive "
        "with their paragraphs shuffled; the order is estimated from the text), or null when "
        "the story has none: read the paragraphs as given.",
    )

    class Meta(ArticleSerializer.Meta):
        fields = [*ArticleSerializer.Meta.fields, "paragraphs", "reading_order"]


class EntitySerializer(serializers.ModelSerializer):
    stories = serializers.IntegerField(
        source="article_count", help_text="How many stories name it."
    )

    class Meta:
        fields = [
            "slug",
            "name",
            "description",
            "aliases",
            "spellings",
            "wikidata_id",
            "stories",
            "api_url",
            "archive_url",
            "feed_url",
            "articles_url",
            "quotes_url",
        ]


class PersonSerializer(EntitySerializer):
    api_url = LinkField("api:person-detail")
    archive_url = LinkField("articles:person")
    feed_url = LinkField("articles:person_feed")
    articles_url = SearchLinkField("api:article-list", "person")
    quotes_url = SearchLinkField("api:quote-list", "person")

    class Meta(EntitySerializer.Meta):
        model = Person


class OrganisationSerializer(EntitySerializer):
    api_url = LinkField("api:organisation-detail")
    archive_url = LinkField("articles:organisation")
    feed_url = LinkField("articles:organisation_feed")
    articles_url = SearchLinkField("api:article-list", "organisation")
    quotes_url = SearchLinkField("api:quote-list", "organisation")

    class Meta(EntitySerializer.Meta):
        model = Organisation


class ErrorSerializer(serializers.Serializer):
    """The error object of every endpoint (articles/api/errors.py)."""

    status = serializers.IntegerField()
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For invalid parameters: each parameter's messages.",
    )


def page_of(serializer_class, name: str):
    """The envelope of a list: links to the next and previous pages and this page's items."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": serializer_class(many=True),
        },
    )


class ArticlePageSerializer(page_of(ArticleSerializer, "ArticlePageBase")):
    sort = serializers.ChoiceField(
        choices=["relevance", "newest", "oldest"], help_text="The order this list is in."
    )
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text="What a reader of the search page would be told, such as a query of only "
        "words too common to search for.",
    )


PersonPageSerializer = page_of(PersonSerializer, "PersonPage")
OrganisationPageSerializer = page_of(OrganisationSerializer, "OrganisationPage")
QuotePageSerializer = page_of(QuoteSerializer, "QuotePage")
SourcePageSerializer = page_of(SourceSerializer, "SourcePage")
