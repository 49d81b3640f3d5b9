from django.contrib.auth import views as auth_views
from django.urls import path

from . import (
    alert_views,
    case_views,
    compensation_views,
    customer_views,
    follower_views,
    followup_views,
    import_views,
    letter_views,
    link_views,
    oauth_views,
    public_views,
    quality_views,
    reply_views,
    report_views,
    script_views,
    service_views,
    survey_views,
    triage_views,
    views,
    workbench_views,
    workspace_views,
)
from .auth import LoginView

app_name = "web"

urlpatterns = [
    # Saved views and bulk actions first: /complaints/bulk is not a complaint number.
    *workspace_views.urlpatterns,
    path("", views.inbox, name="inbox"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("complaints/new", views.complaint_new, name="complaint_new"),
    path("complaints/new/suggestion", triage_views.triage_live, name="triage_live"),
    path("customers/lookup", customer_views.customer_lookup, name="customer_lookup"),
    path("complaints/<str:number>", views.complaint_detail, name="complaint"),
    path("complaints/<str:number>/actions/<str:action>", views.complaint_action, name="complaint_action"),
    path("complaints/<str:number>/contact/reveal", views.reveal_contact, name="reveal_contact"),
    path("complaints/<str:number>/attachments", views.attachment_upload, name="attachment_upload"),
    path(
        "complaints/<str:number>/attachments/<int:attachment_id>",
        views.attachment_download,
        name="attachment_download",
    ),
    path("complaints/<str:number>/tasks", views.task_add, name="task_add"),
    path("complaints/<str:number>/tasks/<int:task_id>", views.task_update, name="task_update"),
    path("complaints/<str:number>/rating-link", views.rating_link, name="rating_link"),
    path("complaints/<str:number>/case", case_views.case_mark, name="case_mark"),
    # Early warning and the case library
    path("alerts", alert_views.alert_list, name="alerts"),
    path("alerts/<int:alert_id>", alert_views.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/acknowledge", alert_views.alert_acknowledge, name="alert_acknowledge"),
    path("alerts/<int:alert_id>/close", alert_views.alert_close, name="alert_close"),
    path("cases", case_views.case_library, name="cases"),
    path("cases/<int:case_id>", case_views.case_detail, name="case"),
    # The user's own things
    path("notifications", workbench_views.notifications, name="notifications"),
    path("notifications/badge", workbench_views.notification_badge, name="notification_badge"),
    path("notifications/read", workbench_views.notifications_read, name="notifications_read"),
    path("notifications/<int:notification_id>/open", workbench_views.notification_open, name="notification_open"),
    path("ledger", workbench_views.ledger, name="ledger"),
    path("ledger/me", workbench_views.ledger_me, name="ledger_me"),
    path("ledger/entries/<int:entry_id>", workbench_views.ledger_decide, name="ledger_decide"),
    path("ledger/<str:username>", workbench_views.ledger_person, name="ledger_person"),
    # Reports
    path("reports/dashboard", report_views.dashboard, name="dashboard"),
    path("reports/kpis", report_views.kpis, name="report_kpis"),
    path("reports/weekly.xlsx", report_views.report_download, {"kind": "weekly", "fmt": "xlsx"}, name="weekly_xlsx"),
    path("reports/weekly.pdf", report_views.report_download, {"kind": "weekly", "fmt": "pdf"}, name="weekly_pdf"),
    path("reports/monthly.xlsx", report_views.report_download, {"kind": "monthly", "fmt": "xlsx"}, name="monthly_xlsx"),
    path("reports/monthly.pdf", report_views.report_download, {"kind": "monthly", "fmt": "pdf"}, name="monthly_pdf"),
    # After the handling
    path("revisits", followup_views.revisits, name="revisits"),
    path("revisits/campaigns", followup_views.campaign_create, name="campaign_create"),
    path("revisits/<int:revisit_id>", followup_views.revisit_record, name="revisit_record"),
    path("gm-meeting", followup_views.gm_meeting, name="gm_meeting"),
    path("gm-meeting/<int:item_id>/decision", followup_views.gm_decide, name="gm_decide"),
    # The customer's rating link (no login)
    path("rate/<str:token>", followup_views.rate, name="rate"),
    path("rate/<str:token>/thanks", followup_views.rate_thanks, name="rate_thanks"),
    # Channels: the public form and tracking page (no login), the reply box, imports; the investigation
    *public_views.urlpatterns,
    *reply_views.urlpatterns,
    *import_views.urlpatterns,
    *quality_views.urlpatterns,
    *compensation_views.urlpatterns,
    *script_views.urlpatterns,
    *letter_views.urlpatterns,
    *service_views.urlpatterns,
    *survey_views.urlpatterns,
    *follower_views.urlpatterns,
    *link_views.urlpatterns,
    *customer_views.urlpatterns,
    *oauth_views.urlpatterns,
]
