"""The issuer dashboard (issue 4, "Web UI": issue one, awards list with search, revoke; also
the catalogue, bulk uploads, pathways and recognitions, the seal, the trust registry)."""

from microcred.web.dashboard.routes import dashboard_router

__all__ = ["dashboard_router"]
