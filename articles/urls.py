from django.urls import path

from articles import api, feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("search/feed/", feeds.SearchFeed(), name="search_feed"),
    path("search/export.json", api.search_json, name="search_json"),
    path("search/export.csv", api.search_csv, name="search_csv"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("people/", views.person_list, name="person_list"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("quotes/", views.quote_list, name="quotes"),
    path("robots.txt", views.robots_txt, name="robots"),
]
