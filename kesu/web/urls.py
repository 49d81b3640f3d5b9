from django.contrib.auth import views as auth_views
from django.urls import path

from . import views
from .auth import LoginView

app_name = "web"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("complaints/new", views.complaint_new, name="complaint_new"),
    path("customers/lookup", views.customer_lookup, name="customer_lookup"),
    path("complaints/<str:number>", views.complaint_detail, name="complaint"),
    path("complaints/<str:number>/actions/<str:action>", views.complaint_action, name="complaint_action"),
    path("complaints/<str:number>/contact/reveal", views.reveal_contact, name="reveal_contact"),
    path("complaints/<str:number>/attachments", views.attachment_upload, name="attachment_upload"),
    path(
        "complaints/<str:number>/attachments/<int:attachment_id>",
        views.attachment_download,
        name="attachment_download",
    ),
]
