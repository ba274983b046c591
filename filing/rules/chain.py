"""Rules on the token contracts: what the chain stage saw on chain (each token's terms, the scenario outcomes),
judged against the deal.

The chain stage (`filing.chain`) deploys or finds each tranche's token, reads its terms and runs the scenario suite,
and hands that evidence to these rules as `Context.chain`. They run in the contract check (`filing contract check`,
`filing check`, the packet build and the review, which all run the chain stage or read its recorded evidence). The
overseas-only rules rest on Notice 42 as rule CN-N42-02 reads it, an inference, hence `secondary`; the rules that
compare the token with the deal, or the token with itself, rest on the deal's own consistency, hence `internal`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from filing.chain.weakness import (
    COUNTRY_ZERO,
    ELIGIBILITY,
    EXPIRED_CLAIM,
    FALSE_REFUSAL,
    FORCED_BYPASS,
    INCONCLUSIVE,
    MAINLAND_RECEIVER,
    MANIFEST_FIELD,
    RECOVERY_BYPASS,
    REVOKED_CLAIM,
    SELF_ISSUED_CLAIM,
    SENDER_CHECK,
    SPENDER_CHECK,
)
from filing.rules.notice42 import NOTICE_42
from filing.rules.registry import Confidence, Context, Hit, Severity, hit, rule

if TYPE_CHECKING:
    from filing.chain.report import ChainEvidence, ConfigCheck

TERMS = ("symbol", "decimals", "cap", "maturity")

OVERSEAS_ONLY = f"{NOTICE_42}, ban on serving domestic entities (secondary), read as in rule CN-N42-02 (an inference)"
ERC3643 = ("the ERC-3643 transfer path (identityRegistry, compliance, country modules) and the gaps seen in the T-REX "
           "reference implementation 4.1.x")
ERC1404 = "the ERC-1404 Simple Restricted Token Standard (detectTransferRestriction, messageForTransferRestriction)"
ERC1643 = ("the ERC-1643 document standard (getDocument), with the packet manifest's SHA-256 under "
           "bytes32('filing.manifest'), the reference token's documented convention")
DEAL = "the offering's own terms, as the offering documents state them (token.tranches, offering.investors)"
ONCHAINID = ("the ERC-3643 identity registry's `isVerified` (claims from trusted issuers, ERC-734/735 ONCHAINID "
             "identities) as the T-REX reference implementation 4.1.x implements it")


def _chain(ctx: Context) -> ChainEvidence:
    """The chain evidence; the rulebook runs these rules only when the contract check supplies it."""
    if ctx.chain is None:
        raise ValueError("a CHAIN rule needs the contract check's evidence")
    return ctx.chain


def _path(ctx: Context, tranche_id: str) -> str:
    index = next(i for i, t in enumerate(ctx.deal.token.tranches) if t.id == tranche_id)
    return f"token.tranches[{index}]"


def _failed(ctx: Context, weakness: str) -> Iterator[Hit]:
    """One hit per tranche, naming every scenario that failed revealing `weakness` and, when it was mined (on a
    fork), the transaction that proved it."""
    names: dict[str, list[str]] = {}
    for scenario in _chain(ctx).scenarios:
        if not scenario.passed and scenario.weakness == weakness:
            proof = f" (tx {scenario.tx_hash})" if scenario.tx_hash else ""
            names.setdefault(scenario.tranche, []).append(scenario.name + proof)
    for tranche, failed in names.items():
        yield hit(_path(ctx, tranche), scenarios=", ".join(failed))


def _checks(ctx: Context) -> Iterator[tuple[str, str, dict[str, ConfigCheck]]]:
    """(tranche path, standard, checks by field) of every tranche whose token was found."""
    for tranche in _chain(ctx).tranches:
        if tranche.checks:
            yield _path(ctx, tranche.tranche), tranche.standard, {c.field: c for c in tranche.checks}


def _differing(ctx: Context, fields: tuple[str, ...]) -> Iterator[Hit]:
    for path, _standard, checks in _checks(ctx):
        for field in fields:
            if field in checks and checks[field].ok is False:
                yield hit(f"{path}.{field}", field=field, actual=repr(checks[field].actual),
                          expected=repr(checks[field].expected))


def _lists(ctx: Context) -> Iterator[tuple[str, set[int] | None, set[int] | None, set[int], set[int]]]:
    """(tranche path, token's excluded, token's allowed, deal's excluded, deal's allowed); None where unreadable."""
    for path, _standard, checks in _checks(ctx):
        excluded, allowed = checks["excluded_jurisdictions"], checks["allowed_jurisdictions"]
        yield (path, None if excluded.actual is None else set(excluded.actual),
               None if allowed.actual is None else set(allowed.actual), set(excluded.expected), set(allowed.expected))


@rule("CHAIN-01", title="A mainland (156) wallet can receive the token", title_zh="境内(156)钱包可接收代币",
      severity=Severity.blocker, confidence=Confidence.secondary, source=OVERSEAS_ONLY,
      message="scenario(s) failed: {scenarios}", message_zh="境内钱包可接收代币：{scenarios}", needs_chain=True)
def mainland_wallet_receives(ctx: Context) -> Iterator[Hit]:
    """What: no mint, transfer, transferFrom or forced transfer reaches a wallet registered in the mainland (156),
    the token's configuration refuses 156, and no current holder is recorded in 156.
    Why: the mainland must not be able to hold or receive the token; one 156 wallet let in is a mainland user served.
    Source: Notice 42 (secondary), read as in rule CN-N42-02."""
    yield from _failed(ctx, MAINLAND_RECEIVER)


@rule("CHAIN-02", title="Only the receiver is checked: a holder re-flagged to the mainland can still send",
      title_zh="仅检查接收方：被改标为境内的持有人仍可转出", severity=Severity.blocker, confidence=Confidence.secondary,
      source=f"{OVERSEAS_ONLY}; {ERC3643}", message="scenario(s) failed: {scenarios}",
      message_zh="被改标为境内或0的持有人仍可转出：{scenarios}", needs_chain=True)
def sender_not_checked(ctx: Context) -> Iterator[Hit]:
    """What: a holder whose country is changed to 156 (or 0) after it bought can no longer send: no transfer, no
    transferFrom out of it, no forced transfer (only a burn may remove its tokens).
    Why: country modules of the ERC-3643 reference implementation check only the receiver, so a mainland holder keeps
    trading; the overseas-only promise covers senders as much as receivers.
    Source: Notice 42 (secondary); the ERC-3643 reference implementation's known gap."""
    yield from _failed(ctx, SENDER_CHECK)


@rule("CHAIN-03", title="Forced transfers skip compliance", title_zh="强制转账绕过合规检查",
      severity=Severity.blocker, confidence=Confidence.secondary, source=f"{OVERSEAS_ONLY}; {ERC3643}",
      message="scenario(s) failed: {scenarios}", message_zh="强制转账未经合规检查：{scenarios}", needs_chain=True)
def forced_transfer_skips_compliance(ctx: Context) -> Iterator[Hit]:
    """What: an agent's forced transfer is refused towards 156, country 0 or an unregistered wallet, and out of a
    holder re-flagged to 156, exactly as an ordinary transfer is.
    Why: in the ERC-3643 reference implementation `forcedTransfer` and recovery skip the compliance, so an agent can
    move tokens to a verified mainland wallet.
    Source: Notice 42 (secondary); the ERC-3643 reference implementation's known gap."""
    yield from _failed(ctx, FORCED_BYPASS)


@rule("CHAIN-04", title="Jurisdiction 0 (unknown country) is not blocked", title_zh="未阻止司法辖区代码0(未知国家)",
      severity=Severity.blocker, confidence=Confidence.secondary, source=f"{OVERSEAS_ONLY}; {ERC3643}",
      message="scenario(s) failed: {scenarios}", message_zh="国家代码0未被阻止：{scenarios}", needs_chain=True)
def country_zero_not_blocked(ctx: Context) -> Iterator[Hit]:
    """What: a wallet whose recorded country is 0 can neither receive nor send the token.
    Why: 0 is what a registry returns for a wallet it knows nothing about; a restrict-list that does not name 0 lets
    wallets of unknown residence in, and the mainland cannot be ruled out for them.
    Source: Notice 42 (secondary); the ERC-3643 reference implementation's known gap."""
    yield from _failed(ctx, COUNTRY_ZERO)


@rule("CHAIN-05", title="An ineligible wallet (unregistered, expired, excluded) is accepted",
      title_zh="不合格钱包(未登记、已过期、被排除)被接受", severity=Severity.blocker,
      confidence=Confidence.internal, source=DEAL, message="scenario(s) failed: {scenarios}",
      message_zh="不合格钱包被接受：{scenarios}", needs_chain=True)
def ineligible_wallet_accepted(ctx: Context) -> Iterator[Hit]:
    """What: the token refuses wallets the deal does not admit: unregistered, with an expired verification, in a
    jurisdiction the deal excludes, or outside its allowed list when it has one.
    Why: the offering documents limit who may hold the token; a token that admits others sells outside them.
    Source: the deal file's investor terms."""
    yield from _failed(ctx, ELIGIBILITY)


@rule("CHAIN-06", title="An investor the deal allows is refused", title_zh="交易文件允许的投资者被拒绝",
      severity=Severity.warning, confidence=Confidence.internal, source=DEAL,
      message="scenario(s) failed: {scenarios}", message_zh="合格投资者被拒绝：{scenarios}", needs_chain=True)
def eligible_investor_refused(ctx: Context) -> Iterator[Hit]:
    """What: a verified investor of a jurisdiction the deal allows (Hong Kong, Macao and Taiwan included when the
    deal does not exclude them) can receive, send and be the target of a transferFrom or forced transfer.
    Why: treating Hong Kong, Macao or Taiwan as the mainland, or an allowed list that drifted, shuts out the investors
    the offering is for.
    Source: the deal file's investor terms."""
    yield from _failed(ctx, FALSE_REFUSAL)


@rule("CHAIN-07", title="Token terms differ from the deal (symbol, decimals, cap, maturity)",
      title_zh="代币条款与交易文件不一致(代码、小数位、上限、到期日)", severity=Severity.blocker,
      confidence=Confidence.internal, source=DEAL, message="the token's {field} is {actual}; the deal gives "
      "{expected}", message_zh="代币的 {field} 为 {actual}，交易文件为 {expected}", needs_chain=True)
def terms_differ(ctx: Context) -> Iterator[Hit]:
    """What: each tranche token's symbol, decimals, cap (principal in base units) and maturity (any second of the
    legal-maturity day) are the deal's.
    Why: a token with other terms is a different instrument from the one filed.
    Source: the deal file's tranche terms."""
    yield from _differing(ctx, TERMS)


@rule("CHAIN-08", title="Token name differs from the tranche's English name", title_zh="代币名称与分层英文名称不一致",
      severity=Severity.warning, confidence=Confidence.internal, source=DEAL,
      message="the token's {field} is {actual}; the deal gives {expected}",
      message_zh="代币的 {field} 为 {actual}，交易文件为 {expected}", needs_chain=True)
def name_differs(ctx: Context) -> Iterator[Hit]:
    """What: each tranche token's name is the tranche's English name.
    Why: the name is how investors and venues tell the tranches apart; a mismatch is confusing rather than a
    different instrument, hence a warning.
    Source: the deal file's tranche names."""
    yield from _differing(ctx, ("name",))


@rule("CHAIN-09", title="A jurisdiction the deal excludes is not blocked on chain",
      title_zh="交易文件排除的司法辖区在链上未被阻止", severity=Severity.blocker, confidence=Confidence.internal,
      source=DEAL, message="{detail}", message_zh="{detail_zh}", needs_chain=True)
def excluded_jurisdiction_open(ctx: Context) -> Iterator[Hit]:
    """What: the token's excluded list holds every jurisdiction the deal excludes (156 always), and its allowed list
    is no wider than the deal's.
    Why: configuration is what the token enforces for every future holder; a missing exclusion is a door left open
    even before any scenario walks through it.
    Source: the deal file's investor jurisdictions."""
    for path, excluded, allowed, deal_excluded, deal_allowed in _lists(ctx):
        if excluded is not None and (missing := sorted(deal_excluded - excluded)):
            yield hit("offering.investors.excluded_jurisdictions", detail=f"{path}: the token does not exclude "
                      f"{missing}", detail_zh=f"{path}：代币未排除 {missing}")
        if allowed is not None and deal_allowed and not allowed:
            yield hit("offering.investors.allowed_jurisdictions",
                      detail=f"{path}: the token has no allowed list, so every non-excluded country may hold it; the "
                             f"deal allows only {sorted(deal_allowed)}",
                      detail_zh=f"{path}：代币未设允许清单，交易文件仅允许 {sorted(deal_allowed)}")
        elif allowed and deal_allowed and (beyond := sorted(allowed - deal_allowed)):
            yield hit("offering.investors.allowed_jurisdictions",
                      detail=f"{path}: the token allows {beyond}, which the deal does not",
                      detail_zh=f"{path}：代币允许交易文件未允许的 {beyond}")


@rule("CHAIN-10", title="A jurisdiction the deal allows is blocked on chain",
      title_zh="交易文件允许的司法辖区在链上被阻止",
      severity=Severity.warning, confidence=Confidence.internal, source=DEAL, message="{detail}",
      message_zh="{detail_zh}", needs_chain=True)
def allowed_jurisdiction_blocked(ctx: Context) -> Iterator[Hit]:
    """What: the token neither excludes nor leaves off its allowed list a jurisdiction the deal allows.
    Why: the offering is for those investors; the token would refuse them.
    Source: the deal file's investor jurisdictions."""
    for path, excluded, allowed, _deal_excluded, deal_allowed in _lists(ctx):
        if excluded is not None and (extra := sorted(excluded & deal_allowed)):
            yield hit("offering.investors.allowed_jurisdictions",
                      detail=f"{path}: the token excludes {extra}, which the deal allows",
                      detail_zh=f"{path}：代币排除了交易文件允许的 {extra}")
        if allowed and (short := sorted(deal_allowed - allowed)):
            yield hit("offering.investors.allowed_jurisdictions",
                      detail=f"{path}: the token does not allow {short}, which the deal allows",
                      detail_zh=f"{path}：代币未允许交易文件允许的 {short}")


@rule("CHAIN-11", title="No on-chain hash of the filing manifest", title_zh="链上未记录备案材料清单的哈希",
      severity=Severity.warning, confidence=Confidence.internal, source=ERC1643,
      message="no filing.manifest document hash is recorded on chain: the token is not bound to the filed packet",
      message_zh="代币未记录备案材料清单哈希，无法与备案材料绑定", needs_chain=True)
def manifest_hash_missing(ctx: Context) -> Iterator[Hit]:
    """What: each token records a document `filing.manifest` (ERC-1643) holding a SHA-256.
    Why: the hash of the packet's manifest is what ties the on-chain instrument to the filed documents; without it
    nothing on chain says which filing the token belongs to.
    Source: the ERC-1643 document pattern and the project's `filing.manifest` convention."""
    chain = _chain(ctx)
    for path, _standard, checks in _checks(ctx):
        document = checks[MANIFEST_FIELD]
        if document.actual is None and (chain.document_required or document.expected is not None):
            yield hit(f"{path}.address")


@rule("CHAIN-12", title="The on-chain document hash differs from the packet's manifest",
      title_zh="链上文件哈希与备案材料清单不一致", severity=Severity.blocker, confidence=Confidence.internal,
      source=ERC1643, message="the token records {actual}; the packet's manifest is {expected}",
      message_zh="代币记录的哈希为 {actual}，备案材料清单为 {expected}", needs_chain=True)
def manifest_hash_differs(ctx: Context) -> Iterator[Hit]:
    """What: the `filing.manifest` hash a token records is the SHA-256 of this packet's manifest.
    Why: another hash binds the token to other documents than the ones filed.
    Source: the ERC-1643 document pattern and the project's `filing.manifest` convention."""
    for path, _standard, checks in _checks(ctx):
        document = checks[MANIFEST_FIELD]
        if document.ok is False and document.actual is not None:
            yield hit(f"{path}.address", actual=document.actual, expected=document.expected)


@rule("CHAIN-13", title="No permissioned token at the address", title_zh="该地址没有受许可的代币合约",
      severity=Severity.blocker, confidence=Confidence.secondary, source=f"{OVERSEAS_ONLY}; {ERC1404}; {ERC3643}",
      message="{detail}", message_zh="{detail_zh}", needs_chain=True)
def no_permissioned_token(ctx: Context) -> Iterator[Hit]:
    """What: each tranche address holds a token that restricts its holders (the reference token, ERC-3643 or
    ERC-1404).
    Why: a plain token, or no contract at all, lets anyone hold it; the overseas-only constraint has nothing to rest on.
    Source: Notice 42 (secondary); the ERC-1404 and ERC-3643 interfaces."""
    for tranche in _chain(ctx).tranches:
        path = f"{_path(ctx, tranche.tranche)}.address"
        if tranche.standard == "none":
            yield hit(path, detail=f"no contract code at {tranche.address}",
                      detail_zh=f"地址 {tranche.address} 上没有合约代码")
        elif tranche.standard == "unknown":
            yield hit(path, detail=f"{tranche.address} is not a recognised permissioned token (no reference, ERC-3643 "
                                   "or ERC-1404 interface): nothing restricts who holds it",
                      detail_zh=f"{tranche.address} 不是可识别的受许可代币，持有人不受限制")


@rule("CHAIN-14", title="The scenario suite could not prove the constraint", title_zh="场景测试无法证明境外限制",
      severity=Severity.blocker, confidence=Confidence.secondary, source=OVERSEAS_ONLY, message="{detail}",
      message_zh="{detail_zh}", needs_chain=True)
def constraint_not_proved(ctx: Context) -> Iterator[Hit]:
    """What: every scenario reached a verdict (the token answered, the refusal was for the investor and not, say, for
    a pause or the cap), and the suite could set up its investors and balances.
    Why: a constraint that could not be tried is not proved; the filing may not rest on it.
    Source: Notice 42 (secondary), read as in rule CN-N42-02."""
    for found in _failed(ctx, INCONCLUSIVE):
        listed = found.params["scenarios"]
        yield hit(found.path, detail=f"scenario(s) could not conclude: {listed}",
                  detail_zh=f"场景无法得出结论：{listed}")
    for tranche, problems in _chain(ctx).problems.items():
        for problem in problems:
            yield hit(_path(ctx, tranche), detail=problem, detail_zh=f"场景测试准备失败：{problem}")


@rule("CHAIN-15", title="Configuration the check could not read", title_zh="无法读取的链上配置",
      severity=Severity.info, confidence=Confidence.internal, source=f"{ERC3643}; {ERC1404}",
      message="the {standard} token does not list its jurisdictions; they were judged country by country from the "
              "token's answers", message_zh="{standard} 代币未列出司法辖区清单，已逐个国家核对", needs_chain=True)
def jurisdiction_lists_unreadable(ctx: Context) -> Iterator[Hit]:
    """What: the token lists its excluded and allowed jurisdictions.
    Why: ERC-3643 country modules and ERC-1404 tokens keep no enumerable list, so the lists cannot be compared with
    the deal; the per-country scenarios stand in for the comparison.
    Source: the ERC-3643 and ERC-1404 interfaces."""
    for path, standard, checks in _checks(ctx):
        if checks["excluded_jurisdictions"].actual is None or checks["allowed_jurisdictions"].actual is None:
            yield hit(path, standard=standard)


@rule("CHAIN-16", title="The node's chain id differs from the deal's", title_zh="节点链ID与交易文件不一致",
      severity=Severity.warning, confidence=Confidence.internal,
      source="the chain the offering documents name (token.chain.chain_id)",
      message="the node's chain id is {actual}; the deal names {expected} ({name})",
      message_zh="节点链ID为 {actual}，交易文件为 {expected}", needs_chain=True)
def chain_id_differs(ctx: Context) -> Iterator[Hit]:
    """What: a token checked on a node (not the embedded copy) is on the chain the deal names.
    Why: the same address on another chain is another contract, or none.
    Source: the deal file's chain."""
    chain, named = _chain(ctx), ctx.deal.token.chain
    if chain.mode != "embedded" and chain.chain_id != named.chain_id:
        yield hit("token.chain.chain_id", actual=chain.chain_id, expected=named.chain_id, name=named.name)


@rule("CHAIN-17", title="detectTransferRestriction disagrees with what the token enforces",
      title_zh="detectTransferRestriction 与实际执行不一致", severity=Severity.warning, confidence=Confidence.internal,
      source=ERC1404, message="detectTransferRestriction predicted the opposite outcome for: {scenarios}",
      message_zh="detectTransferRestriction 的预测与实际结果相反：{scenarios}", needs_chain=True)
def restriction_view_disagrees(ctx: Context) -> Iterator[Hit]:
    """What: before every attempted operation, `detectTransferRestriction` returns 0 exactly when the operation then
    succeeds.
    Why: wallets and venues ask the view before sending; a view that disagrees with enforcement misleads them in
    one direction or the other.
    Source: ERC-1404."""
    names: dict[str, list[str]] = {}
    for scenario in _chain(ctx).scenarios:
        if scenario.action != "read" and scenario.detected is not None and scenario.actual in ("allowed", "refused") \
                and (scenario.detected == 0) != (scenario.actual == "allowed"):
            names.setdefault(scenario.tranche, []).append(scenario.name)
    for tranche, disagreeing in names.items():
        yield hit(_path(ctx, tranche), scenarios=", ".join(disagreeing))


@rule("CHAIN-18", title="Recovery moves the tokens to a mainland investor's identity, skipping compliance",
      title_zh="钱包恢复绕过合规检查，将代币转入境内投资者的身份", severity=Severity.blocker,
      confidence=Confidence.secondary, source=f"{OVERSEAS_ONLY}; {ERC3643}", message="scenario(s) failed: {scenarios}",
      message_zh="钱包恢复将代币转入境内投资者身份：{scenarios}", needs_chain=True)
def recovery_skips_compliance(ctx: Context) -> Iterator[Hit]:
    """What: an agent's wallet recovery cannot move a holder's tokens to a wallet of an identity registered in the
    mainland (156).
    Why: T-REX `recoveryAddress` asks only that the new wallet be a key of the identity given, registers it with the
    lost wallet's country and force-transfers the balance, so neither the country modules nor the identity's own
    registration are consulted: an agent can hand the tokens to a mainland investor under an overseas flag.
    Source: Notice 42 (secondary); the ERC-3643 reference implementation's known gap."""
    yield from _failed(ctx, RECOVERY_BYPASS)


@rule("CHAIN-19", title="A revoked claim still verifies the investor", title_zh="已撤销的身份声明仍可通过验证",
      severity=Severity.blocker, confidence=Confidence.secondary, source=ONCHAINID,
      message="scenario(s) failed: {scenarios}", message_zh="已撤销声明的投资者仍被接受：{scenarios}", needs_chain=True)
def revoked_claim_accepted(ctx: Context) -> Iterator[Hit]:
    """What: a wallet whose only claim for a required topic was revoked by its trusted issuer is not verified and
    cannot receive the token.
    Why: revocation is how an issuer withdraws a KYC or eligibility attestation; a registry that ignores it keeps
    serving an investor the issuer no longer vouches for.
    Source: the ERC-3643 identity registry and ONCHAINID claim issuers (`isClaimValid`)."""
    yield from _failed(ctx, REVOKED_CLAIM)


@rule("CHAIN-20", title="An expired claim still verifies the investor", title_zh="已过有效期的身份声明仍可通过验证",
      severity=Severity.warning, confidence=Confidence.secondary, source=ONCHAINID,
      message="scenario(s) failed: {scenarios}; only revocation by the issuer stops a lapsed attestation",
      message_zh="已过期声明的投资者仍被接受：{scenarios}；仅发行方撤销声明方可阻止", needs_chain=True)
def expired_claim_accepted(ctx: Context) -> Iterator[Hit]:
    """What: a wallet whose claim data says its attestation ended is refused.
    Why: the T-REX registry and ONCHAINID issuers read no validity date inside a claim, so a lapsed accreditation
    passes until its issuer revokes the claim; the filing should say who revokes and how fast (a process control
    rather than a token defect, hence a warning).
    Source: the ERC-3643 identity registry and ONCHAINID claim issuers (`isClaimValid`)."""
    yield from _failed(ctx, EXPIRED_CLAIM)


@rule("CHAIN-21", title="An identity that issues its own claim is verified", title_zh="自行签发声明的身份通过验证",
      severity=Severity.warning, confidence=Confidence.secondary, source=ONCHAINID,
      message="scenario(s) failed: {scenarios}", message_zh="自行签发声明的身份被接受：{scenarios}", needs_chain=True)
def self_issued_claim_accepted(ctx: Context) -> Iterator[Hit]:
    """What: an identity that lists a claim under a trusted issuer's claim id but names itself as the issuer is not
    verified.
    Why: the T-REX registry asks the issuer named inside the claim, not the trusted issuer it looked up, whether the
    claim is valid; any identity contract registered by an agent can vouch for itself, so the claim requirement
    does not bind the agent (whose country entry is then the only control).
    Source: the ERC-3643 identity registry as T-REX 4.1.x implements `isVerified`."""
    yield from _failed(ctx, SELF_ISSUED_CLAIM)


@rule("CHAIN-22", title="The token's compliance has no country module", title_zh="代币合规模块中没有国家限制模块",
      severity=Severity.blocker, confidence=Confidence.secondary, source=f"{OVERSEAS_ONLY}; {ERC3643}",
      message="{detail}", message_zh="{detail_zh}", needs_chain=True)
def no_country_module(ctx: Context) -> Iterator[Hit]:
    """What: the compliance of an ERC-3643 token whose modules can be listed binds at least one country module
    (restrict or allow list).
    Why: without one, nothing in the token refers to the investor's country: the mainland is kept out, if at all,
    only by who the agents choose to register.
    Source: Notice 42 (secondary); the ERC-3643 reference implementation's compliance modules."""
    for tranche in _chain(ctx).tranches:
        if tranche.details.get("country_modules") == []:
            names = [m.get("name") or m.get("address") for m in tranche.details.get("modules", [])]
            listed = ", ".join(str(n) for n in names) or "none"
            yield hit(f"{_path(ctx, tranche.tranche)}.address",
                      detail=f"{tranche.address}: no country module is bound to its compliance (modules: {listed})",
                      detail_zh=f"{tranche.address}：合规合约未绑定国家限制模块（模块：{listed}）")


@rule("CHAIN-23", title="A holding wallet can be re-flagged to an excluded country",
      title_zh="持有代币的钱包可被改标为被排除的国家", severity=Severity.warning, confidence=Confidence.secondary,
      source=OVERSEAS_ONLY, message="re-flag(s) accepted: {scenarios}",
      message_zh="持有代币的钱包可被改标为被排除的国家或0：{scenarios}", needs_chain=True)
def holder_reflag_accepted(ctx: Context) -> Iterator[Hit]:
    """What: the agent cannot record an excluded country (156, 0, or one the deal excludes) for a wallet that holds
    the token; re-flagging a mainland-recorded wallet offshore, minting to it and flagging it back is refused at the
    last step.
    Why: a register that shows a mainland wallet holding the token contradicts the overseas-only offering, whatever
    the transfer checks say. A token that accepts the re-flag but freezes the wallet (rule CHAIN-02 proves the
    freeze) keeps the tokens where they are, so this is a warning: the register still shows a mainland holder.
    Source: Notice 42 (secondary), read as in rule CN-N42-02."""
    accepted: dict[str, list[str]] = {}
    for scenario in _chain(ctx).scenarios:
        if scenario.action == "reflag" and scenario.actual == "allowed":
            accepted.setdefault(scenario.tranche, []).append(scenario.name)
    for tranche, names in accepted.items():
        yield hit(_path(ctx, tranche), scenarios=", ".join(names))


@rule("CHAIN-24", title="An ineligible spender can move tokens with transferFrom",
      title_zh="不合格的被授权人可通过 transferFrom 转移代币", severity=Severity.warning,
      confidence=Confidence.secondary, source=OVERSEAS_ONLY, message="scenario(s) failed: {scenarios}",
      message_zh="境内、未登记或不合格的被授权人可转移代币：{scenarios}", needs_chain=True)
def spender_not_checked(ctx: Context) -> Iterator[Hit]:
    """What: `transferFrom` is refused when the spender (the caller holding the allowance) is not an eligible
    investor: unregistered, or recorded in the mainland, even between two eligible holders.
    Why: a spender moves the holder's tokens at its own direction; a mainland spender doing so is arguably a mainland
    user served by the token, although it never holds a balance. Tokens of the ERC-3643 family check the holder and
    the receiver only, and that a spender is "served" goes one step beyond rule CN-N42-02's inference, so this is a
    warning; the reference token refuses such spenders (restriction code 11).
    Source: Notice 42 (secondary), read as in rule CN-N42-02."""
    yield from _failed(ctx, SPENDER_CHECK)
