from django.urls import URLPattern, URLResolver, path

from lc.portal import action_views, auth, credits, dashboard, drafting, examination, messages, passkeys, printed

app_name = "portal"

PRESENTATION = "credits/<uuid:credit_id>/presentations/<uuid:presentation_id>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", dashboard.dashboard_view, name="dashboard"),
    path("login/", auth.login_view, name="login"),
    path("login/verify/", auth.otp_view, name="otp"),
    path("login/enrol/", auth.enrol_view, name="enrol"),
    path("logout/", auth.logout_view, name="logout"),
    path("account/security/", passkeys.security_view, name="security"),
    path("account/security/passkeys/<int:credential_id>/remove/", passkeys.remove_passkey_view, name="remove-passkey"),
    path("credits/", credits.credit_list_view, name="credits"),
    path("credits/<uuid:credit_id>/", credits.credit_view, name="credit"),
    path("credits/<uuid:credit_id>/printed/<slug:sha256>/", printed.printed_view, name="printed"),
    path("credits/<uuid:credit_id>/evidence-summary/", printed.evidence_summary_view, name="evidence-summary"),
    path("credits/<uuid:credit_id>/messages/", messages.credit_messages_view, name="credit-messages"),
    path("messages/<uuid:message_id>/raw/", messages.raw_message_view, name="message-raw"),
    path("inbox/", messages.inbox_view, name="inbox"),
    path("credits/<uuid:credit_id>/act/<slug:action>/", action_views.action_view, name="act"),
    path("credits/<uuid:credit_id>/act/<slug:action>/<uuid:target_id>/", action_views.action_view, name="act-on"),
    path("credits/<uuid:credit_id>/draft/share/", drafting.share_view, name="draft-share"),
    path("credits/<uuid:credit_id>/draft/comment/", drafting.comment_view, name="draft-comment"),
    path("credits/<uuid:credit_id>/draft/revise/", drafting.revise_view, name="draft-revise"),
    path("credits/<uuid:credit_id>/draft/comments/<uuid:comment_id>/resolve/", drafting.resolve_view,
         name="draft-resolve"),
    path(PRESENTATION + "examine/", examination.examine_view, name="examine"),
    path(PRESENTATION + "refusal/", examination.refusal_view, name="refusal"),
    path(PRESENTATION + "refusal/preview/", examination.refusal_preview_view, name="refusal-preview"),
]
