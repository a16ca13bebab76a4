from django.urls import path

from . import views

app_name = "library"
urlpatterns = [
    path("", views.CatalogueView.as_view(), name="catalogue"),
    path("books/<int:pk>/", views.BookView.as_view(), name="book"),
]
