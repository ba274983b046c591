// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IComplianceModule, IERC3643Token, IModularCompliance} from "./Interfaces.sol";

/**
 * @title CountryRestrictModule
 * @notice TEST ONLY. A compliance module that refuses transfers involving a restricted country, with the getters a
 * checker reads (`isCountryRestricted(compliance, country)`, `name()`). Each compliance keeps its own list and
 * sets it through `ModularCompliance.callModuleFunction`.
 * @dev The country is read from the token's identity registry at transfer time, so re-flagging a holder takes
 * effect at once. This module checks the sender as well as the receiver; `ReceiverOnlyCountryRestrictModule`
 * reproduces the receiver-only check the checker must report.
 */
contract CountryRestrictModule is IComplianceModule {
    mapping(address compliance => bool) private _bound;
    mapping(address compliance => mapping(uint16 country => bool)) private _restricted;

    /// @notice `compliance` now restricts `country`.
    event CountryRestricted(address indexed compliance, uint16 country);

    /// @notice Only the compliance itself may bind itself.
    error OnlyCompliance(address caller);

    /// @notice The caller is not a bound compliance.
    error ComplianceNotBound(address caller);

    /// @inheritdoc IComplianceModule
    function bindCompliance(address compliance) external {
        if (msg.sender != compliance) revert OnlyCompliance(msg.sender);
        _bound[compliance] = true;
    }

    /// @notice Restrict several countries for the calling compliance.
    function batchRestrictCountries(uint16[] calldata countries) external {
        if (!_bound[msg.sender]) revert ComplianceNotBound(msg.sender);
        for (uint256 i = 0; i < countries.length; ++i) {
            _restricted[msg.sender][countries[i]] = true;
            emit CountryRestricted(msg.sender, countries[i]);
        }
    }

    /// @notice Whether `compliance` restricts `country`.
    function isCountryRestricted(address compliance, uint16 country) public view returns (bool) {
        return _restricted[compliance][country];
    }

    /// @inheritdoc IComplianceModule
    function moduleCheck(address from, address to, uint256, address compliance) external view returns (bool) {
        if (isCountryRestricted(compliance, _country(compliance, to))) return false;
        return from == address(0) || !_checksSender() || !isCountryRestricted(compliance, _country(compliance, from));
    }

    /// @inheritdoc IComplianceModule
    function name() external pure returns (string memory) {
        return "CountryRestrictModule";
    }

    function _checksSender() internal pure virtual returns (bool) {
        return true;
    }

    function _country(address compliance, address wallet) private view returns (uint16) {
        return IERC3643Token(IModularCompliance(compliance).getTokenBound()).identityRegistry().investorCountry(wallet);
    }
}

/// @notice TEST ONLY: checks only the receiver's country, so a holder re-flagged to a restricted country can still
/// send (the gap tokens.md records for the reference implementation's country modules).
contract ReceiverOnlyCountryRestrictModule is CountryRestrictModule {
    function _checksSender() internal pure override returns (bool) {
        return false;
    }
}
