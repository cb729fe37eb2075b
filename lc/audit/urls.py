from django.urls import URLPattern, path

from lc.audit import views

app_name = "audit"

urlpatterns: list[URLPattern] = [
    path("", views.home_view, name="home"),
    path("ledger/", views.ledger_view, name="ledger"),
    path("ledger.csv", views.ledger_csv_view, name="ledger-csv"),
    path("credits/<uuid:credit_id>/", views.credit_view, name="credit"),
    path("credits/<uuid:credit_id>/evidence.json", views.evidence_view, name="evidence"),
    path("verify/", views.verify_view, name="verify"),
    path("verify/<uuid:run_id>/", views.verify_run_view, name="verify-run"),
    path("witnesses/", views.witnesses_view, name="witnesses"),
    path("reads/", views.access_log_view, name="reads"),
]
