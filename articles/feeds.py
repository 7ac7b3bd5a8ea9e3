"""Atom feeds: the newest stories, the newest stories of any search (the parameters of
/search/), and of every person and organisation.

Summaries are plain text (`<summary type="text">`): a story's words are never handed to a feed
reader as HTML. Stories are found by the search itself (`search.candidates_for`, newest first)
under the search time limit. The title is made after the filters have run, so it names what
the feed follows.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.contrib.syndication.views import Feed
from django.db.models.functions import Left
from django.http import Http404, HttpResponsePermanentRedirect, QueryDict
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles import search, selectors
from articles.api.errors import invalid_parameters, search_too_slow
from articles.api.limits import FeedRateThrottle, read_only_cors, throttled
from articles.filters import ArticleSearchFilter
from articles.models import Article

FEED_SIZE = 20
SUMMARY_CHARS = 400
SITE_NAME = "News archive"
# XML 1.0 cannot carry these characters: a stored text or a query holding one would make the
# feed unwritable (Django refuses with an error), so they are dropped.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    return NOT_XML.sub("", value or "")


def summary(opening: str) -> str:
    """The story's first paragraph, cut at a word near `SUMMARY_CHARS`."""
    paragraph = xml_text(opening.split("\n", 1)[0])
    if len(paragraph) <= SUMMARY_CHARS:
        return paragraph
    return paragraph[:SUMMARY_CHARS].rsplit(" ", 1)[0] + " …"


class TextSummaryAtomFeed(Atom1Feed):
    """Atom whose entry summaries are text. Django's Atom1Feed labels them type="html", which
    tells a feed reader to render the story's own words as markup."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})


class InvalidFeed(Exception):
    def __init__(self, filterset):
        self.filterset = filterset


class FeedMoved(Exception):
    """The entity was merged into another: its feed lives at the other's address."""

    def __init__(self, url):
        self.url = url


@dataclass
class FollowedSearch:
    title: str
    subtitle: str
    link: str
    feed_url: str
    stories: list[Article]


def search_title(filterset: ArticleSearchFilter) -> str:
    """What a search follows, in words: its query and the names of its filters. Call it after
    `filterset.qs`, which parses the query."""
    cleaned = filterset.form.cleaned_data
    parts = []
    if filterset.parsed_query.text:
        parts.append(f"“{filterset.parsed_query.text}”")
    parts += [person.name for person in cleaned.get("person") or []]
    parts += [organisation.name for organisation in cleaned.get("organisation") or []]
    if cleaned.get("source"):
        parts.append(cleaned["source"].name)
    if cleaned.get("year"):
        parts.append(str(int(cleaned["year"])))
    if cleaned.get("from"):
        parts.append(f"from {cleaned['from'].isoformat()}")
    if cleaned.get("to"):
        parts.append(f"to {cleaned['to'].isoformat()}")
    return xml_text(f"{SITE_NAME}: {' · '.join(parts) if parts else 'newest stories'}")


def newest_stories(filterset: ArticleSearchFilter) -> list[Article]:
    """The newest `FEED_SIZE` stories the search matches, found as /search/ finds them."""
    with search.time_limit(search.search_timeout_ms()):
        candidates = search.candidates_for(filterset.qs, None, "newest", limit=FEED_SIZE)
    stories = (
        Article.objects.filter(pk__in=candidates.ids)
        .select_related("source")
        .only("title", "slug", "published", "updated", "source__name")
        .annotate(opening=Left("body", SUMMARY_CHARS * 3))
        .in_bulk()
    )
    return [stories[pk] for pk in candidates.ids if pk in stories]


class ArchiveFeed(Feed):
    """What every feed here shares: Atom, text summaries, a story per entry, the error object
    for invalid parameters and for a search too broad to finish in time."""

    feed_type = TextSummaryAtomFeed

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except InvalidFeed as error:
            return invalid_parameters(error.filterset)
        except search.SearchTooSlow:
            return search_too_slow()
        except FeedMoved as moved:
            return HttpResponsePermanentRedirect(moved.url)

    def follow(self, request, filterset, link, subtitle) -> FollowedSearch:
        if not filterset.is_valid():
            raise InvalidFeed(filterset)
        stories = newest_stories(filterset)  # runs the filters: the title can be made now
        return FollowedSearch(
            search_title(filterset), subtitle, link, request.get_full_path(), stories
        )

    def title(self, followed):
        return followed.title

    def subtitle(self, followed):
        return followed.subtitle

    def link(self, followed):
        return followed.link

    def feed_url(self, followed):
        return followed.feed_url

    def items(self, followed):
        return followed.stories

    def item_title(self, item):
        return xml_text(item.title)

    def item_description(self, item):
        return summary(item.opening)

    def item_pubdate(self, item):
        return datetime.combine(item.published, time(), tzinfo=UTC)

    def item_updateddate(self, item):
        return item.updated

    def item_author_name(self, item):
        return xml_text(item.source.name)


class SearchFeed(ArchiveFeed):
    """/search/feed/?<search parameters>; with none, the newest stories (also /feed/)."""

    def get_object(self, request):
        # A feed is always newest first: the page and the order are not part of its address.
        params = request.GET.copy()
        for name in ("page", "sort"):
            params.pop(name, None)
        query_string = params.urlencode()
        link = reverse("articles:search") + (f"?{query_string}" if query_string else "")
        filterset = ArticleSearchFilter(request.GET, queryset=Article.objects.all())
        return self.follow(request, filterset, link, "The newest stories matching this search.")


class EntityFeed(ArchiveFeed):
    """/people/<slug>/feed/ and /organisations/<slug>/feed/: the newest stories naming them."""

    kind: selectors.EntityKind
    url_name: str

    def get_object(self, request, slug):
        entity, merged_into = selectors.entity_by_slug(self.kind, slug)
        if entity is None:
            if merged_into is None:
                raise Http404(f"No {self.kind.noun} at this address.")
            raise FeedMoved(reverse(self.url_name, args=[merged_into.slug]))
        params = QueryDict(mutable=True)
        params[self.kind.field] = entity.slug
        filterset = ArticleSearchFilter(params, queryset=Article.objects.all())
        return self.follow(
            request,
            filterset,
            entity.get_absolute_url(),
            xml_text(f"The newest stories naming {entity.name}."),
        )


class PersonFeed(EntityFeed):
    kind = selectors.PERSON
    url_name = "articles:person_feed"


class OrganisationFeed(EntityFeed):
    kind = selectors.ORGANISATION
    url_name = "articles:organisation_feed"


def _feed_view(feed):
    return read_only_cors(throttled(FeedRateThrottle)(feed))


search_feed = _feed_view(SearchFeed())
person_feed = _feed_view(PersonFeed())
organisation_feed = _feed_view(OrganisationFeed())
