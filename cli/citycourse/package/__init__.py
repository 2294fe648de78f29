"""A city's course as LMS packages: SCORM 1.2 (`scorm`) and cmi5 (`cmi5`), one package per role track.

Both are built from the same site `citycourse build` makes (`content`), for one
role, so a module looks in the LMS as it does on the site, in the city's
language, and needs no network. Each module page becomes one SCO / AU: a small
runtime script is added to it (`assets/lms-scorm12.js`, `assets/lms-cmi5.js`)
that reports what the learner does — reaching the end of the module, and the
self-check's score against the pass mark (`render/selfcheck.py`).

Activity ids are IRIs that end in the module id, so the statements an LRS
exports later are matched to modules by `citycourse records import` with no
`records map` (`store/matching.py` reads an IRI's last segment).
"""

from __future__ import annotations

from enum import Enum


class PackageFormat(str, Enum):
    scorm12 = "scorm12"
    cmi5 = "cmi5"
