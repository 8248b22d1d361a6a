"""Every app's API router, mounted on the one API object under /api/v1/."""

from gonghui.accounts.api import router as auth_router
from gonghui.appeals.api import router as appeals_router
from gonghui.campaigns.api import router as campaigns_router
from gonghui.cockpit.api import router as cockpit_router
from gonghui.contracts.api import router as contracts_router
from gonghui.core.api import api
from gonghui.coverage.api import router as coverage_router
from gonghui.enterprises.api import router as enterprises_router
from gonghui.familycare.api import router as familycare_router
from gonghui.hardship.api import router as hardship_router
from gonghui.imports.api import router as imports_router
from gonghui.mediation.api import router as mediation_router
from gonghui.members.api import applications_router, me_router
from gonghui.members.api import router as members_router
from gonghui.needs.api import router as needs_router
from gonghui.orgs.api import router as orgs_router
from gonghui.orgs.api import unions_router
from gonghui.outreach.api import router as plans_router
from gonghui.surveys.api import router as surveys_router

# The worker's card first: it is the hot path (opened at every gate) and URLs resolve in this order.
api.add_router("/me", me_router)
api.add_router("/auth/", auth_router)
api.add_router("/orgs", orgs_router)
api.add_router("/unions", unions_router)
api.add_router("/enterprises", enterprises_router)
api.add_router("/members", members_router)
api.add_router("/membership-applications", applications_router)
api.add_router("/imports/", imports_router)
api.add_router("/cockpit", cockpit_router)
api.add_router("/coverage", coverage_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/hardship", hardship_router)
api.add_router("/appeals", appeals_router)
api.add_router("/contracts", contracts_router)
api.add_router("/familycare", familycare_router)
api.add_router("/mediation", mediation_router)
api.add_router("/needs", needs_router)
api.add_router("/plans", plans_router)
api.add_router("/surveys", surveys_router)
