from django.urls import path

from . import claims_views, views

app_name = "casework"

urlpatterns = [
    path("plans/", views.plans, name="plans"),
    path("plans/<int:pk>/decide/", views.decide, name="decide"),
    path("claims/", claims_views.claim_list, name="claims"),
    path("claims/<int:pk>/", claims_views.claim_page, name="claim"),
    path("claims/<int:pk>/letter/", claims_views.claim_letter, name="claim_letter"),
    path("claims/<int:pk>/files/<int:file_id>/", claims_views.claim_file, name="claim_file"),
    path("claims/<int:pk>/do/<str:move>/", claims_views.claim_move, name="claim_move"),
    path("tickets/<str:number>/claims/new/", claims_views.new_claim, name="new_claim"),
]
