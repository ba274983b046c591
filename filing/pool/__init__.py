"""Pool analytics: read a tape, check it, apply the eligibility criteria and describe the pool for the filing."""

from filing.pool.analyse import STEPS, Progress, analyse_pool, analyse_tape
from filing.pool.checks import TAPE_CHECKS, TapeFinding
from filing.pool.read import Tape, read_tape
from filing.pool.report import PoolReport
from filing.pool.schema import SCHEMAS

__all__ = ["analyse_pool", "analyse_tape", "read_tape", "Tape", "PoolReport", "TapeFinding", "TAPE_CHECKS",
           "SCHEMAS", "Progress", "STEPS"]
