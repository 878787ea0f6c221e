from django.urls import path

from .views import (
    auth,
    callbacks,
    dashboard,
    handler,
    hot_issues,
    intake,
    queue_export,
    queues,
    records,
    residents,
    tickets,
    visits,
)

app_name = "console"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    # intake (the phone agent's screen)
    path("intake/", intake.intake_page, name="intake"),
    path("intake/household/", intake.household_panel, name="intake_household"),
    path("intake/similar/", intake.similar_panel, name="intake_similar"),
    path("intake/check/", intake.check_intake, name="intake_check"),
    # queues
    path("queues/", queues.queue_page, name="queues"),
    path("queues/<str:name>/", queues.queue_page, name="queue"),
    path("exports/tickets/", queue_export.tickets_export, name="tickets_export"),
    path("queues-saved/", queues.save_filter, name="save_filter"),
    path("queues-saved/<int:pk>/delete/", queues.delete_filter, name="delete_filter"),
    path("queues-bulk/dispatch/", queues.bulk_dispatch, name="bulk_dispatch"),
    path("search/", queues.search, name="search"),
    # one ticket
    path("tickets/<str:number>/", tickets.ticket_page, name="ticket"),
    path("tickets/<str:number>/move/<str:move>/", tickets.ticket_move, name="move"),
    path("tickets/<str:number>/attachments/", tickets.upload_attachment, name="upload"),
    path("tickets/<str:number>/reveal-phone/", tickets.reveal_phone, name="reveal_phone"),
    path("tickets/<str:number>/print/<str:form>/", tickets.print_form, name="print"),
    # department handlers (phone-friendly)
    path("my-orders/", handler.my_orders, name="my_orders"),
    path("my-orders/<str:number>/<int:sequence>/", handler.order_page, name="order"),
    path(
        "my-orders/<str:number>/<int:sequence>/reveal-phone/",
        handler.reveal_phone,
        name="order_phone",
    ),
    path(
        "my-orders/<str:number>/<int:sequence>/<str:move>/", handler.order_move, name="order_move"
    ),
    # hot issues
    path("hot-issues/", hot_issues.hot_issue_list, name="hot_issues"),
    path("hot-issues/<int:pk>/", hot_issues.hot_issue_page, name="hot_issue"),
    path("hot-issues/<int:pk>/<str:action>/", hot_issues.hot_issue_action, name="hot_issue_action"),
    # residents and household files
    path("residents/", residents.resident_search, name="residents"),
    path("residents/<int:pk>/", residents.resident_page, name="resident"),
    path(
        "residents/<int:pk>/reveal-phone/",
        residents.reveal_resident_phone,
        name="reveal_resident_phone",
    ),
    path("rooms/<int:pk>/", residents.room_page, name="room"),
    path("notifications/", dashboard.notifications, name="notifications"),
    # callbacks
    path("callbacks/", callbacks.callback_queue, name="callbacks"),
    path("callbacks/sample/", callbacks.sample_repairs, name="sample_repairs"),
    path("callbacks/records/", records.callback_records, name="callback_records"),
    path("callbacks/yearly/", records.yearly_report, name="callback_yearly"),
    # routine visits
    path("visits/", visits.plan_list, name="visit_plans"),
    path("visits/generate/", visits.generate, name="visit_generate"),
    path("visits/<int:pk>/", visits.plan_page, name="visit_plan"),
    path("visits/<int:pk>/records/", records.visit_records, name="visit_records"),
    path("visits/<int:pk>/<int:planned>/record/", visits.record, name="visit_record"),
    path("visits/<int:pk>/<int:planned>/move/", visits.move, name="visit_move"),
]
