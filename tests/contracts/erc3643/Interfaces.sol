// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title ERC-3643 read interfaces used by the project's test contracts
 * @notice TEST ONLY. Written from the interfaces the ERC-3643 standard names (token `identityRegistry()` and
 * `compliance()`, registry `investorCountry`, `isVerified`, compliance `canTransfer`, `getTokenBound`) and the
 * module hook of the modular-compliance design (`moduleCheck`). No code of the reference implementation is used.
 */
interface IIdentityRegistry {
    /// @notice Whether the wallet may hold the token (here: it has a registered identity).
    function isVerified(address wallet) external view returns (bool);

    /// @notice The wallet's country as ISO 3166-1 numeric; 0 for an unregistered wallet.
    function investorCountry(address wallet) external view returns (uint16);
}

interface IModularCompliance {
    /// @notice Whether every bound module accepts the transfer.
    function canTransfer(address from, address to, uint256 amount) external view returns (bool);

    /// @notice The token this compliance serves.
    function getTokenBound() external view returns (address);
}

interface IERC3643Token {
    /// @notice The registry that answers `isVerified` and `investorCountry` for this token.
    function identityRegistry() external view returns (IIdentityRegistry);

    /// @notice The compliance that answers `canTransfer` for this token.
    function compliance() external view returns (IModularCompliance);
}

interface IComplianceModule {
    /// @notice Called by a compliance when it adds the module; the module then accepts that compliance's calls.
    function bindCompliance(address compliance) external;

    /// @notice Whether the module lets `from` send `value` to `to` under `compliance`.
    function moduleCheck(address from, address to, uint256 value, address compliance) external view returns (bool);

    /// @notice The module's name.
    function name() external pure returns (string memory);
}
