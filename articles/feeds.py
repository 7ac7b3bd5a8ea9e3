"""An Atom feed for any search: the newest stories matching the same parameters."""

from datetime import UTC

from django.contrib.syndication.views import Feed
from django.core.exceptions import BadRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles import search
from articles.filters import ArticleSearchFilter
from articles.models import Article

FEED_SIZE = 20


class SearchFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request):
        filterset = ArticleSearchFilter(request.GET, queryset=Article.objects.all())
        if not filterset.is_valid():
            raise BadRequest("Invalid search parameters.")
        params = request.GET.copy()
        for name in ("page", "sort"):
            params.pop(name, None)
        return filterset, params.urlencode()

    def title(self, obj):
        filterset, _ = obj
        words = filterset.parsed_query.text
        return f"News archive: {words}" if words else "News archive: latest stories"

    def link(self, obj):
        _, query_string = obj
        return reverse("articles:search") + (f"?{query_string}" if query_string else "")

    def subtitle(self, obj):
        return "The newest stories matching this search."

    def items(self, obj):
        filterset, _ = obj
        # Newest first, no ranking: a feed is read in date order.
        candidates = search.candidates_for(filterset.qs, None, "newest", limit=FEED_SIZE)
        return list(
            Article.objects.filter(pk__in=candidates.ids)
            .select_related("source")
            .only("title", "slug", "published", "body", "source__name")
            .newest_first()
        )

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.paragraphs[0][:400] if item.body else ""

    def item_pubdate(self, item):
        from datetime import datetime, time

        return datetime.combine(item.published, time(), tzinfo=UTC)

    def item_author_name(self, item):
        return item.source.name
