"""What a failed scenario reveals: the scenario suite tags every scenario with the weakness it probes, and the
rulebook's CHAIN rules (`filing.rules.chain`) turn each tag into its finding."""

MAINLAND_RECEIVER = "mainland_receiver"
SENDER_CHECK = "sender_check"
FORCED_BYPASS = "forced_bypass"
COUNTRY_ZERO = "country_zero"
ELIGIBILITY = "eligibility"
FALSE_REFUSAL = "false_refusal"
INCONCLUSIVE = "inconclusive"
RECOVERY_BYPASS = "recovery_bypass"
REVOKED_CLAIM = "revoked_claim"
EXPIRED_CLAIM = "expired_claim"
SELF_ISSUED_CLAIM = "self_issued_claim"
SPENDER_CHECK = "spender_check"

MANIFEST_FIELD = "document[filing.manifest]"
"""The tranche check that holds the ERC-1643 `filing.manifest` document hash."""
