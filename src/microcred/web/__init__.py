"""The web pages, server-rendered HTML in English, French and German.

An adapter beside :mod:`microcred.api`: the public catalogue (``/catalogue``, answering only
browsers that want HTML, see :mod:`microcred.web.negotiation`; the API keeps answering every
other client with JSON at the same URLs), the public verification page, the issuer dashboard
(with pathways, recognition and the trust registry), learner accounts and sign-in, claim links,
the wallet with its pathways, share and presentation pages, the public trust registry, the
language switcher and the static assets. Pages call the service's use cases with the ports
of :class:`~microcred.web.services.WebServices`. The composition root mounts them with
:func:`install_web`.
"""

from fastapi import FastAPI

from microcred.web.account_routes import account_router
from microcred.web.assets import STYLESHEET_PATH, assets_router
from microcred.web.dashboard import dashboard_router
from microcred.web.dashboard.pathway_routes import pathway_router
from microcred.web.dashboard.registry_routes import public_registry_router
from microcred.web.language import language_router
from microcred.web.pathways_routes import learner_pathways_router
from microcred.web.present_routes import present_router
from microcred.web.routes import web_router
from microcred.web.services import WebServices
from microcred.web.share_routes import share_router
from microcred.web.signed_in import SignedInMiddleware
from microcred.web.uploads import UploadLimit
from microcred.web.verify_routes import verify_router
from microcred.web.wallet_routes import claim_router, wallet_router


def install_web(app: FastAPI, services: WebServices) -> None:
    """Mount the pages on ``app`` *ahead* of the routes it already has: some share their paths
    with the JSON API's routes and must be asked first (they step aside for every request that
    does not want HTML). Call once, after ``create_app``, before serving."""
    routers = [
        assets_router(),
        language_router(secure_cookies=services.secure_cookies),
        web_router(uow=services.uow, base_url=services.base_url, page_size=services.page_size),
        share_router(services),
        present_router(services),
        verify_router(services),
        public_registry_router(services),
        pathway_router(services),
        dashboard_router(services),
        account_router(services),
        claim_router(services),
        learner_pathways_router(services),  # before the wallet's /wallet/{id}
        wallet_router(services),
        # One line per page module (verify, dashboard, wallet, share...), each a router.
    ]
    before = len(app.router.routes)
    for router in routers:
        app.include_router(router)
    added = app.router.routes[before:]
    del app.router.routes[before:]
    app.router.routes[0:0] = added
    app.add_middleware(UploadLimit)  # inside SignedInMiddleware: its page names who is signed in
    app.add_middleware(SignedInMiddleware, uow=services.uow, clock=services.clock)
    app.state.secure_cookies = services.secure_cookies
    app.state.admin_orgs = services.admin_orgs


__all__ = ["STYLESHEET_PATH", "WebServices", "install_web", "web_router"]
