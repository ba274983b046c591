// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AgentRole} from "./AgentRole.sol";
import {IERC3643Token, IIdentityRegistry, IModularCompliance} from "./Interfaces.sol";

/**
 * @title ERC3643Token
 * @notice TEST ONLY. A permissioned ERC-20 on the ERC-3643 transfer path: every mint and transfer needs a verified
 * receiver (`identityRegistry().isVerified`) and the compliance's approval (`compliance().canTransfer`), which
 * asks its modules. Agents mint and force transfers.
 * @dev `_update` is the one place every balance change is checked. A forced transfer goes through it too and, in
 * this contract, is checked like any transfer; `ForcedSkipERC3643Token` skips the compliance for forced transfers,
 * as tokens.md records for the reference implementation, so the checker can be shown to report it.
 */
contract ERC3643Token is IERC3643Token, ERC20, AgentRole {
    IIdentityRegistry private immutable _identityRegistry;
    IModularCompliance private immutable _compliance;
    uint8 private immutable _decimals;
    bool private _forcing;

    /// @notice The receiver has no verified identity.
    error UnverifiedIdentity(address wallet);

    /// @notice The compliance refused the transfer.
    error TransferNotCompliant(address from, address to, uint256 value);

    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_,
        address owner_,
        IIdentityRegistry identityRegistry_,
        IModularCompliance compliance_
    ) ERC20(name_, symbol_) AgentRole(owner_) {
        _decimals = decimals_;
        _identityRegistry = identityRegistry_;
        _compliance = compliance_;
    }

    /// @notice ERC-20 decimals, set at deployment.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @inheritdoc IERC3643Token
    function identityRegistry() external view returns (IIdentityRegistry) {
        return _identityRegistry;
    }

    /// @inheritdoc IERC3643Token
    function compliance() external view returns (IModularCompliance) {
        return _compliance;
    }

    /// @notice Create `amount` tokens for `to` (agent only; checked like a transfer from the zero address).
    function mint(address to, uint256 amount) external onlyAgent {
        _mint(to, amount);
    }

    /// @notice Move tokens without the holder's consent (agent only), e.g. to recover a lost wallet's balance.
    function forcedTransfer(address from, address to, uint256 amount) external onlyAgent returns (bool) {
        _forcing = true;
        _transfer(from, to, amount);
        _forcing = false;
        return true;
    }

    function _update(address from, address to, uint256 value) internal override {
        if (to != address(0)) {
            if (!_identityRegistry.isVerified(to)) revert UnverifiedIdentity(to);
            bool checked = !_forcing || _forcedTransferChecksCompliance();
            if (checked && !_compliance.canTransfer(from, to, value)) revert TransferNotCompliant(from, to, value);
        }
        super._update(from, to, value);
    }

    function _forcedTransferChecksCompliance() internal pure virtual returns (bool) {
        return true;
    }
}

/// @notice TEST ONLY: a forced transfer checks only that the receiver is verified, not the compliance, so an agent
/// can move tokens to a verified wallet in a restricted country.
contract ForcedSkipERC3643Token is ERC3643Token {
    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_,
        address owner_,
        IIdentityRegistry identityRegistry_,
        IModularCompliance compliance_
    ) ERC3643Token(name_, symbol_, decimals_, owner_, identityRegistry_, compliance_) {}

    function _forcedTransferChecksCompliance() internal pure override returns (bool) {
        return false;
    }
}
