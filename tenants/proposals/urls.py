"""The campaign's pages on a union's site, under /proposals/."""

from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.campaign_index, name="index"),
    path("new/", views.proposal_new, name="new"),
    path("mine/", views.proposal_mine, name="mine"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("results/<int:year>/", views.campaign_results, name="results"),
]
