// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {AgentRole} from "./AgentRole.sol";
import {IIdentityRegistry} from "./Interfaces.sol";

/**
 * @title IdentityRegistry
 * @notice TEST ONLY. Wallet → (identity, country) as an ERC-3643 identity registry keeps it, with the standard's
 * write functions (`registerIdentity`, `batchRegisterIdentity`, `updateCountry`).
 * @dev Minimal on purpose: a wallet with a registered identity counts as verified (no claim topics or trusted
 * issuers), and the country is data the agent sets, exactly the property the checker must not take on trust.
 * An unregistered wallet has country 0.
 */
contract IdentityRegistry is IIdentityRegistry, AgentRole {
    struct Entry {
        address identity;
        uint16 country;
    }

    mapping(address wallet => Entry) private _entries;

    /// @notice `wallet` was registered with `identity`.
    event IdentityRegistered(address indexed wallet, address indexed identity);

    /// @notice `wallet`'s country is now `country`.
    event CountryUpdated(address indexed wallet, uint16 indexed country);

    /// @notice A wallet or identity is the zero address.
    error ZeroAddress();

    /// @notice The wallet already has an identity.
    error AlreadyRegistered(address wallet);

    /// @notice The wallet has no identity.
    error NotRegistered(address wallet);

    /// @notice The batch's arrays differ in length.
    error LengthMismatch();

    constructor(address owner_) AgentRole(owner_) {}

    /// @notice Register `wallet` with its `identity` contract and `country` (agent only).
    function registerIdentity(address wallet, address identity_, uint16 country) external onlyAgent {
        _register(wallet, identity_, country);
    }

    /// @notice Register several wallets in one transaction (agent only).
    function batchRegisterIdentity(address[] calldata wallets, address[] calldata identities, uint16[] calldata countries)
        external
        onlyAgent
    {
        if (wallets.length != identities.length || wallets.length != countries.length) revert LengthMismatch();
        for (uint256 i = 0; i < wallets.length; ++i) {
            _register(wallets[i], identities[i], countries[i]);
        }
    }

    /// @notice Change a registered wallet's country (agent only).
    function updateCountry(address wallet, uint16 country) external onlyAgent {
        if (_entries[wallet].identity == address(0)) revert NotRegistered(wallet);
        _entries[wallet].country = country;
        emit CountryUpdated(wallet, country);
    }

    /// @notice The identity contract of `wallet` (zero when unregistered).
    function identity(address wallet) external view returns (address) {
        return _entries[wallet].identity;
    }

    /// @inheritdoc IIdentityRegistry
    function investorCountry(address wallet) external view returns (uint16) {
        return _entries[wallet].country;
    }

    /// @inheritdoc IIdentityRegistry
    function isVerified(address wallet) external view returns (bool) {
        return _entries[wallet].identity != address(0);
    }

    function _register(address wallet, address identity_, uint16 country) private {
        if (wallet == address(0) || identity_ == address(0)) revert ZeroAddress();
        if (_entries[wallet].identity != address(0)) revert AlreadyRegistered(wallet);
        _entries[wallet] = Entry(identity_, country);
        emit IdentityRegistered(wallet, identity_);
        emit CountryUpdated(wallet, country);
    }
}
