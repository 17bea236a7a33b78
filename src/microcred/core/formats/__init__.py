"""Wire formats for awarded micro-credentials (plug-ins behind one ``Format`` protocol).

Open Badges 3.0 (:mod:`microcred.core.formats.ob3`) is built in; see
:mod:`microcred.core.formats.registry` for adding ELM and the Open Badges 2.0 importer.
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
