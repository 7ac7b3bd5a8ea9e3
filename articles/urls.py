from django.urls import path

from articles import feeds, views
from articles.api import exports

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("feed/", feeds.search_feed, name="feed"),
    path("search/facets/<slug:facet>/", views.search_facet, name="search_facet"),
    path("search/feed/", feeds.search_feed, name="search_feed"),
    path("search/export.csv", exports.search_export, {"format": "csv"}, name="search_csv"),
    path("search/export.jsonl", exports.search_export, {"format": "jsonl"}, name="search_jsonl"),
    path("search/export.json", exports.search_export, {"format": "json"}, name="search_json"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("people/", views.person_list, name="person_list"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("people/<slug:slug>/feed/", feeds.person_feed, name="person_feed"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("organisations/<slug:slug>/feed/", feeds.organisation_feed, name="organisation_feed"),
    path("quotes/", views.quote_list, name="quotes"),
    path("about/", views.about, name="about"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
]
