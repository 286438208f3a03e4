"""arXiv subject codes to broad fields, for "is this the same line of work?".

Pages show a subject code without its archive ("CL", "SOC-PH", "cs.LG"). The
broad field (computing, physics, mathematics, biology, finance/economics) is
coarse on purpose: a researcher moves between cs.CL and cs.LG freely, rarely
between machine learning and power-grid physics. Codes from arXiv's public
category taxonomy.
"""

from __future__ import annotations

_COMPUTING = (
    "AI AR CC CE CG CL CR CV CY DB DC DL DM DS ET FL GL GR GT HC IR IT LG LO MA MM MS NE NI "
    "OH OS PF PL RO SC SD SE SI SY "  # cs.*
    "AP CO ME ML OT TH "  # stat.*
    "AS IV SP"  # eess.*
).split()
_PHYSICS = (
    "ACC-PH AO-PH APP-PH ATM-CLUS ATOM-PH BIO-PH CHEM-PH CLASS-PH COMP-PH DATA-AN ED-PH "
    "FLU-DYN GEN-PH GEO-PH HIST-PH INS-DET MED-PH OPTICS PLASM-PH POP-PH SOC-PH SPACE-PH "
    "ASTRO-PH COND-MAT GR-QC HEP-EX HEP-LAT HEP-PH HEP-TH MATH-PH NUCL-EX NUCL-TH QUANT-PH "
    "NLIN AO SOFT STR-EL SUPR-CON MES-HALL MTRL-SCI STAT-MECH DIS-NN QUANT-GAS CO CD PS SI "
    "GA HE IM SR EP"
).split()
_MATH = ("AC AG AT CA CT DG DS FA GM GN GR GT HO KT MG MP NA NT OA OC PR QA RA RT SG SP ST").split()
_BIOLOGY = "BM CB GN MN NC OT PE QM SC TO".split()
_FINANCE = "CP EC GN MF PM PR RM ST TR EM GN TH".split()

_ARCHIVES = {
    "cs": "computing",
    "stat": "computing",
    "eess": "computing",
    "math": "mathematics",
    "physics": "physics",
    "astro-ph": "physics",
    "cond-mat": "physics",
    "gr-qc": "physics",
    "hep-ex": "physics",
    "hep-lat": "physics",
    "hep-ph": "physics",
    "hep-th": "physics",
    "math-ph": "physics",
    "nlin": "physics",
    "nucl-ex": "physics",
    "nucl-th": "physics",
    "quant-ph": "physics",
    "q-bio": "biology",
    "q-fin": "finance",
    "econ": "finance",
}

FIELD_OF_CODE: dict[str, str] = {}
for _field, _codes in (
    ("finance", _FINANCE),
    ("biology", _BIOLOGY),
    ("mathematics", _MATH),
    ("physics", _PHYSICS),
    ("computing", _COMPUTING),  # last: on a shared code, computing wins (most pages)
):
    for _code in _codes:
        FIELD_OF_CODE[_code] = _field


def field_of(category: str | None) -> str | None:
    """Broad field of a category as shown ("CL", "cs.CL", "SOC-PH"); None if unknown."""
    if not category:
        return None
    code = category.strip()
    if "." in code:
        archive, _, sub = code.partition(".")
        if archive.lower() in _ARCHIVES:
            return _ARCHIVES[archive.lower()]
        code = sub
    if code.lower() in _ARCHIVES:
        return _ARCHIVES[code.lower()]
    return FIELD_OF_CODE.get(code.upper())
