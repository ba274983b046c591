"""The chain stage: deploy the reference token from a deal, recognise deployed tokens, prove the overseas-only
constraint with a scenario suite, and cross-check every token against the deal (design.md); the evidence it returns
is judged by the rulebook's CHAIN rules (`filing.rules.chain`) in the deal's one check (`filing.stages`).

The public names are imported on first use: web3 and the EVM load only when a chain is used, not when a packet's
recorded evidence (`filing.chain.report`) is read."""

from importlib import import_module

_PUBLIC = {"ChainError": "connect", "DeployKey": "connect", "Reverted": "connect", "embedded_chain": "connect",
           "load_key": "connect", "rpc_chain": "connect", "DeployedTranche": "deploy", "TokenTerms": "deploy",
           "deploy_deal": "deploy", "tranche_terms": "deploy", "ChainEvidence": "report", "ContractReport": "report",
           "ScenarioResult": "report", "deploy_contracts": "check", "probe_contract": "check",
           "probe_embedded": "check", "probe_tokens": "check"}

__all__ = sorted(_PUBLIC)


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(import_module(f"filing.chain.{_PUBLIC[name]}"), name)
    raise AttributeError(f"module 'filing.chain' has no attribute {name!r}")
