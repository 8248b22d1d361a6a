"""Everything under `/console/`.

The console's own pages live in the "console" namespace; each domain app mounts its pages here
under its own namespace ("orgs", "enterprises", "members", "audit"), so templates say
`{% url 'members:list' %}` and the root URLconf needs only one line for the whole console.
"""

from django.urls import include, path

from gonghui.audit import views as audit_views

from . import views

console_patterns = [
    path("", views.home, name="home"),
    # The sign-in redirect sends auditors here: it is the audit log itself.
    path("audit/", audit_views.event_list, name="audit"),
]

urlpatterns = [
    path("", include((console_patterns, "console"))),
    path("orgs/", include("gonghui.orgs.urls")),
    path("enterprises/", include("gonghui.enterprises.urls")),
    path("members/", include("gonghui.members.urls")),
    path("outreach/", include("gonghui.outreach.urls")),
    path("contracts/", include("gonghui.contracts.urls")),
    path("familycare/", include("gonghui.familycare.urls")),
    path("surveys/", include("gonghui.surveys.urls")),
    path("coverage/", include("gonghui.coverage.urls")),
    path("cockpit/", include("gonghui.cockpit.urls")),
    path("campaigns/", include("gonghui.campaigns.urls")),
    path("hardship/", include("gonghui.hardship.urls")),
    path("appeals/", include("gonghui.appeals.urls")),
    path("mediation/", include("gonghui.mediation.urls")),
    path("needs/", include("gonghui.needs.urls")),
    path("audit/", include("gonghui.audit.urls")),
    path("security/", include("gonghui.accounts.security_urls")),
]
