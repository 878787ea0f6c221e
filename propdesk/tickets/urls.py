"""The staff pages of requests: intake, the queues and search, one ticket with its moves,
attachments and print forms, the department handler's phone pages, and the household files of
a room and of a person."""

from django.urls import path

from .views import handler, households, intake, queues, registers, ticket

app_name = "tickets"

urlpatterns = [
    # intake (the phone agent's screen)
    path("intake/", intake.intake_page, name="intake"),
    path("intake/household/", intake.household_panel, name="intake_household"),
    path("intake/similar/", intake.similar_panel, name="intake_similar"),
    path("intake/check/", intake.check_intake, name="intake_check"),
    # queues
    path("queues/", queues.queue_page, name="queues"),
    path("queues/<str:name>/", queues.queue_page, name="queue"),
    path("queues-saved/", queues.save_filter, name="save_filter"),
    path("queues-saved/<int:pk>/delete/", queues.delete_filter, name="delete_filter"),
    path("queues-bulk/dispatch/", queues.bulk_dispatch, name="bulk_dispatch"),
    path("search/", queues.search, name="search"),
    # one ticket
    path("tickets/<str:number>/", ticket.ticket_page, name="ticket"),
    path("tickets/<str:number>/move/<str:move>/", ticket.ticket_move, name="move"),
    path("tickets/<str:number>/attachments/", ticket.upload_attachment, name="upload"),
    path("tickets/<str:number>/reveal-phone/", ticket.reveal_phone, name="reveal_phone"),
    path("tickets/<str:number>/print/<str:form>/", ticket.print_form, name="print"),
    path("registers/<str:register>/", registers.intake_register, name="register"),
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
    # household files (their requests; the resident search is the residents app's)
    path("residents/<int:pk>/", households.resident_page, name="resident"),
    path("rooms/<int:pk>/", households.room_page, name="room"),
]
