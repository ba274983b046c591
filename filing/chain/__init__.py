"""The chain stage: deploy the reference token from a deal, recognise deployed tokens, prove the overseas-only
constraint with a scenario suite, and cross-check every token against the deal (design.md, issue 4); the rulebook's
CHAIN rules (`filing.rules.chain`) judge what it saw."""

from filing.chain.check import check_contract, check_embedded, check_on_chain, deploy_contracts
from filing.chain.connect import ChainError, DeployKey, Reverted, embedded_chain, load_key, rpc_chain
from filing.chain.deploy import DeployedTranche, TokenTerms, deploy_deal, tranche_terms
from filing.chain.report import ChainEvidence, ContractReport
from filing.chain.scenarios import ScenarioResult

__all__ = ["ChainError", "ChainEvidence", "ContractReport", "DeployKey", "DeployedTranche", "Reverted",
           "ScenarioResult", "TokenTerms", "check_contract", "check_embedded", "check_on_chain", "deploy_contracts",
           "deploy_deal", "embedded_chain", "load_key", "rpc_chain", "tranche_terms"]
