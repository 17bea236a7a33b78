"""Wire formats for awarded micro-credentials (plug-ins behind one ``Format`` protocol).

Open Badges 3.0 (:mod:`microcred.core.formats.ob3`) is the built-in ``Format``
(:mod:`microcred.core.formats.registry`). Beside it, modules that are not registered formats:
the Europass ELM v3 export and reader (:mod:`.elm`, :mod:`.elm_reader`), read-only Open Badges
2.0 (:mod:`.ob2`), baking into PNG/SVG (:mod:`.baking`) and the PDF certificate
(:mod:`.pdf_certificate`).
"""

from microcred.core.formats.completeness import ANNEX_I_MANDATORY, ANNEX_I_OPTIONAL, EuCompleteness
from microcred.core.formats.registry import Format, FormatRegistry, default_registry

__all__ = [
    "ANNEX_I_MANDATORY",
    "ANNEX_I_OPTIONAL",
    "EuCompleteness",
    "Format",
    "FormatRegistry",
    "default_registry",
]
