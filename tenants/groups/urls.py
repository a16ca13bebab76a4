from django.urls import path

from . import views

app_name = "interest_groups"
urlpatterns = [
    path("", views.GroupListView.as_view(), name="index"),
    path("<int:pk>/", views.GroupDetailView.as_view(), name="detail"),
    path("<int:pk>/posts/<int:post_pk>/image/", views.PostImageView.as_view(), name="post_image"),
]
