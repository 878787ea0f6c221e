"""The callback pages: the callback queue with this month's repair sampling, the paper records
(callbacks of a period, the yearly rates, a plan's visits) and the routine visit plans."""

from django.urls import path

from .views import queue, records, visits

app_name = "callbacks"

urlpatterns = [
    # callbacks
    path("callbacks/", queue.callback_queue, name="callbacks"),
    path("callbacks/sample/", queue.sample_repairs, name="sample_repairs"),
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
