"""The staff console's survey pages under /surveys/, and the resident's questionnaire at
/s/<token>/ (short, because it goes out in an SMS or WeChat message)."""

from django.urls import path

from .views import approval, campaigns, entry, public

app_name = "surveys"

urlpatterns = [
    path("surveys/", campaigns.campaign_list, name="campaigns"),
    path("surveys/new/", campaigns.campaign_new, name="new"),
    path("surveys/<int:pk>/", campaigns.campaign_page, name="campaign"),
    path("surveys/<int:pk>/edit/", campaigns.campaign_edit, name="edit"),
    path("surveys/<int:pk>/items/", campaigns.add_item, name="add_item"),
    path("surveys/<int:pk>/items/copy/", campaigns.copy_items, name="copy_items"),
    path("surveys/<int:pk>/items/<int:item_id>/remove/", campaigns.remove_item, name="remove_item"),
    path("surveys/<int:pk>/move/<str:move>/", campaigns.campaign_move, name="move"),
    # The corrective actions' forms post to /surveys/<pk>/actions/ and /surveys/actions/…,
    # served by propdesk.improvement (its urls.py).
    path("surveys/<int:pk>/report/review/", approval.report_review, name="report_review"),
    path("surveys/<int:pk>/report/distribute/", approval.distribute, name="distribute"),
    path("surveys/<int:pk>/report/acknowledge/", approval.acknowledge, name="acknowledge"),
    path("surveys/<int:pk>/households/", entry.invitation_list, name="invitations"),
    path("surveys/<int:pk>/paper/", entry.paper_entry, name="paper"),
    # the resident's link: the token only
    path("s/<str:token>/", public.answer_page, name="answer"),
    path("s/<str:token>/thanks/", public.thanks_page, name="thanks"),
]
