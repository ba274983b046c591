"""Trade receivables (应收账款): invoices owed by corporate customers, each paid in one sum at its due date."""

from filing.assets.columns import POOL_OPTIONAL, POOL_REQUIRED
from filing.assets.spec import AssetSpec

SPEC = AssetSpec(
    name="trade_receivables", label_zh="应收账款", label_en="Trade receivables",
    required=POOL_REQUIRED, optional=POOL_OPTIONAL, tape="pool", cashflow="bullet",
    cashflow_basis="receivable_collections", nature="receivable", dispersion="obligors")
