"""The deal model: typed, validated, with identifiers and jurisdictions normalised at load time."""

from filing.model.deal import SCHEMA_VERSION, AssetClass, Deal
from filing.model.load import LoadedDeal, json_schema, load_deal

__all__ = ["SCHEMA_VERSION", "AssetClass", "Deal", "LoadedDeal", "json_schema", "load_deal"]
