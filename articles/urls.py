from django.urls import path

from articles import views

app_name = "articles"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("people/<slug:slug>/", views.person_detail, name="person"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
]
