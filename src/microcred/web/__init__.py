"""The public web pages: the micro-credential catalogue as server-rendered HTML.

An adapter beside :mod:`microcred.api`: it serves ``GET /catalogue`` and
``GET /catalogue/{version_id}`` as HTML to browsers (the API keeps answering every other client
with JSON, see :mod:`microcred.web.negotiation`) and reads the catalogue only through the
service's public use cases. The composition root mounts it with :func:`install_web`.
"""

from microcred.web.routes import STYLESHEET_PATH, install_web, web_router

__all__ = ["STYLESHEET_PATH", "install_web", "web_router"]
