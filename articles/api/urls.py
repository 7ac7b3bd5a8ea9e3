"""/api/: the JSON API, its OpenAPI schema and its documentation page."""

from django.urls import path, re_path

from articles.api import docs, views

app_name = "api"

urlpatterns = [
    path("", views.ApiRoot.as_view(), name="root"),
    path("articles/", views.ArticleList.as_view(), name="article-list"),
    path("articles/<slug:slug>/", views.ArticleDetail.as_view(), name="article-detail"),
    path("people/", views.PersonList.as_view(), name="person-list"),
    path("people/<slug:slug>/", views.PersonDetail.as_view(), name="person-detail"),
    path("organisations/", views.OrganisationList.as_view(), name="organisation-list"),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetail.as_view(),
        name="organisation-detail",
    ),
    path("quotes/", views.QuoteList.as_view(), name="quote-list"),
    path("quotes/<int:quote_id>/", views.QuoteDetail.as_view(), name="quote-detail"),
    path("sources/", views.SourceList.as_view(), name="source-list"),
    path("sources/<slug:slug>/", views.SourceDetail.as_view(), name="source-detail"),
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", docs.docs_page, name="docs"),
    # Any other address under /api/ is the JSON error object too (one without its final
    # slash is left to APPEND_SLASH, which redirects it when the slash makes a route).
    re_path(r"^[\s\S]*/$", views.not_found),
]
