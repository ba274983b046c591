"""The contract report: what the chain stage hands to the CLI, the packet and the reviewer.

Findings use the rulebook's `Finding` shape so that one printer and one JSON contract (design.md) serve both the
deal check and the chain check. The CHAIN rules are declared here, each with its source and how sure we are of it;
the overseas-only rules rest on Notice 42 as the rulebook's CN-N42-02 reads it (an inference, hence `secondary`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from filing.chain.scenarios import ScenarioResult
from filing.rules.registry import Confidence, Finding, Severity

N42 = "Notice 42 (N42-02: no service to mainland users), inference as in rule CN-N42-02"
ERC3643 = "ERC-3643 (T-REX) transfer path and its known gaps, shared/domain/tokens.md"
ERC1404 = "ERC-1404 detectTransferRestriction / messageForTransferRestriction"
ERC1643 = "ERC-1643 document pattern; filing.manifest convention, contracts/README.md"
DEAL = "the deal file (token.tranches, offering.investors)"


@dataclass(frozen=True)
class ChainRule:
    code: str
    title: str
    title_zh: str
    severity: Severity
    confidence: Confidence
    source: str


_S, _C = Severity, Confidence
CHAIN_RULES: dict[str, ChainRule] = {r.code: r for r in [
    ChainRule("CHAIN-01", "A mainland (156) wallet can receive the token", "境内(156)钱包可接收代币",
              _S.blocker, _C.secondary, N42),
    ChainRule("CHAIN-02", "Only the receiver is checked: a holder re-flagged to the mainland can still send",
              "仅检查接收方：被改标为境内的持有人仍可转出", _S.blocker, _C.secondary, f"{N42}; {ERC3643}"),
    ChainRule("CHAIN-03", "Forced transfers skip compliance", "强制转账绕过合规检查", _S.blocker, _C.secondary,
              f"{N42}; {ERC3643}"),
    ChainRule("CHAIN-04", "Jurisdiction 0 (unknown country) is not blocked", "未阻止司法辖区代码0(未知国家)",
              _S.blocker, _C.secondary, f"{N42}; {ERC3643}"),
    ChainRule("CHAIN-05", "An ineligible wallet (unregistered, expired, excluded) is accepted",
              "不合格钱包(未登记、已过期、被排除)被接受", _S.blocker, _C.official_copy, DEAL),
    ChainRule("CHAIN-06", "An investor the deal allows is refused", "交易文件允许的投资者被拒绝", _S.warning,
              _C.official_copy, DEAL),
    ChainRule("CHAIN-07", "Token terms differ from the deal (symbol, decimals, cap, maturity)",
              "代币条款与交易文件不一致(代码、小数位、上限、到期日)", _S.blocker, _C.official_copy, DEAL),
    ChainRule("CHAIN-08", "Token name differs from the tranche's English name", "代币名称与分层英文名称不一致",
              _S.warning, _C.official_copy, DEAL),
    ChainRule("CHAIN-09", "A jurisdiction the deal excludes is not blocked on chain",
              "交易文件排除的司法辖区在链上未被阻止",
              _S.blocker, _C.official_copy, DEAL),
    ChainRule("CHAIN-10", "A jurisdiction the deal allows is blocked on chain", "交易文件允许的司法辖区在链上被阻止",
              _S.warning, _C.official_copy, DEAL),
    ChainRule("CHAIN-11", "No on-chain hash of the filing manifest", "链上未记录备案材料清单的哈希", _S.warning,
              _C.secondary, ERC1643),
    ChainRule("CHAIN-12", "The on-chain document hash differs from the packet's manifest",
              "链上文件哈希与备案材料清单不一致", _S.blocker, _C.secondary, ERC1643),
    ChainRule("CHAIN-13", "No permissioned token at the address", "该地址没有受许可的代币合约", _S.blocker,
              _C.secondary, f"{N42}; {ERC1404}; {ERC3643}"),
    ChainRule("CHAIN-14", "The scenario suite could not prove the constraint", "场景测试无法证明境外限制",
              _S.blocker, _C.secondary, N42),
    ChainRule("CHAIN-15", "Configuration the check could not read", "无法读取的链上配置", _S.info, _C.secondary,
              f"{ERC3643}; {ERC1404}"),
    ChainRule("CHAIN-16", "The node's chain id differs from the deal's", "节点链ID与交易文件不一致", _S.warning,
              _C.official_copy, "the deal file (token.chain.chain_id)"),
    ChainRule("CHAIN-17", "detectTransferRestriction disagrees with what the token enforces",
              "detectTransferRestriction 与实际执行不一致", _S.warning, _C.secondary, ERC1404),
]}


def chain_finding(code: str, path: str, message: str, message_zh: str) -> Finding:
    rule = CHAIN_RULES[code]
    return Finding(code, rule.severity, path, message, message_zh, rule.confidence, rule.source)


@dataclass(frozen=True)
class ConfigCheck:
    """One field of a deployed token compared with the deal."""

    field: str
    expected: Any
    actual: Any
    ok: bool | None
    """None when the token does not expose the field."""

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.field, "expected": self.expected, "actual": self.actual, "ok": self.ok}


@dataclass(frozen=True)
class TrancheReport:
    tranche: str
    symbol: str
    address: str | None
    standard: str
    checks: list[ConfigCheck] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"tranche": self.tranche, "symbol": self.symbol, "address": self.address,
                "standard": self.standard, "checks": [c.to_dict() for c in self.checks]} | (
            {"details": self.details} if self.details else {})


_ORDER = {Severity.blocker: 0, Severity.warning: 1, Severity.info: 2}


@dataclass(frozen=True)
class ContractReport:
    """The chain check of one deal: per-tranche configuration, scenarios, and findings (sorted, deterministic)."""

    mode: str
    """'embedded' (reference token deployed from the deal), 'rpc' (read-only), or 'fork' (full suite on a fork)."""
    chain_id: int
    deal_id: str
    tranches: list[TrancheReport]
    scenarios: list[ScenarioResult]
    findings: list[Finding]

    @staticmethod
    def build(mode: str, chain_id: int, deal_id: str, tranches: list[TrancheReport],
              scenarios: list[ScenarioResult], findings: list[Finding]) -> ContractReport:
        unique = {(f.rule, f.path, f.message): f for f in findings}
        ordered = sorted(unique.values(), key=lambda f: (_ORDER[f.severity], f.rule, f.path, f.message))
        return ContractReport(mode, chain_id, deal_id, tranches, scenarios, ordered)

    @property
    def standard(self) -> str:
        kinds = sorted({t.standard for t in self.tranches})
        return kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "none")

    @property
    def ok(self) -> bool:
        return not any(f.counts_as_blocker for f in self.findings) and all(s.passed for s in self.scenarios)

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "mode": self.mode, "standard": self.standard, "chain_id": self.chain_id,
                "deal": self.deal_id,
                "summary": {"scenarios": len(self.scenarios),
                            "scenarios_failed": sum(1 for s in self.scenarios if not s.passed)}
                | {s.value: sum(1 for f in self.findings if f.severity is s) for s in Severity},
                "tranches": [t.to_dict() for t in self.tranches],
                "scenarios": [s.to_dict() for s in self.scenarios],
                "findings": [f.to_dict() for f in self.findings]}
