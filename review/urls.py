from django.urls import path

from . import office_views, views

urlpatterns = [
    path("criteria/", views.criteria_index, name="criteria-index"),
    path("criteria/<slug:code>/", views.criteria_detail, name="criteria-detail"),
    path("review/", views.my_assignments, name="review-home"),
    path("review/assignments/<int:pk>/", views.score_sheet, name="review-score-sheet"),
    path("review/assignments/<int:pk>/materials/<int:material_pk>/", views.material_download, name="review-material"),
    path("review/assignments/<int:pk>/feedback/", views.reviewer_feedback, name="review-feedback"),
    path("review/consensus/<int:app_pk>/<slug:stage>/", views.consensus, name="review-consensus"),
    path("review/cycles/<int:cycle_pk>/<slug:stage>/", views.stage_overview, name="review-stage"),
    path("review/cycles/<int:cycle_pk>/<slug:stage>/assign/", office_views.stage_assign, name="review-stage-assign"),
    path("review/experts/", office_views.expert_list, name="review-experts"),
    path("review/experts/new/", office_views.expert_new, name="review-expert-new"),
    path("review/experts/<int:pk>/", office_views.expert_detail, name="review-expert"),
    path("review/feedback/<int:application_id>/", office_views.applicant_feedback, name="review-applicant-feedback"),
    path("review/feedback/cycles/<int:cycle_pk>/", office_views.cycle_feedback, name="review-cycle-feedback"),
    path("review/votes/<int:vote_pk>/", views.ballot, name="review-ballot"),
    path("review/applications/<int:app_pk>/feedback-report.pdf", views.feedback_report, name="review-feedback-report"),
    # under /programme/ with the other pages around a cycle (names kept from when they lived there)
    path("programme/agencies/", office_views.agencies, name="programme-agencies"),
]
