// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/**
 * @title WeakTokenBase
 * @notice TEST ONLY. A token with the reference token's interface and constructor but deliberately weakened rules,
 * so the tests can prove the checker reports each weakness. Never deploy these.
 * @dev Each variant overrides one switch: sender checked, forced transfer checked, 156 honoured, 0 blocked.
 */
abstract contract WeakTokenBase is ERC20, AccessControl {
    bytes32 public constant AGENT_ROLE = keccak256("AGENT_ROLE");
    uint16 public constant MAINLAND_CHINA = 156;

    struct Investor {
        bool registered;
        bool verified;
        uint16 country;
        uint64 expiry;
    }

    uint8 private immutable _decimals;
    uint256 private immutable _cap;
    uint64 private immutable _maturity;
    mapping(address => Investor) private _investors;
    mapping(uint16 => bool) private _isExcluded;
    mapping(uint16 => bool) private _isAllowed;
    uint16[] private _excluded;
    uint16[] private _allowed;
    bool private _bypass;

    /// @notice A balance change was refused with an ERC-1404 code.
    error TransferRestricted(uint8 code, address from, address to, uint256 value);

    /// @notice Same arguments as OffshoreABSToken's constructor.
    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 cap_, uint64 maturity_,
                address admin, address agent, uint16[] memory excluded_, uint16[] memory allowed_)
        ERC20(name_, symbol_)
    {
        _decimals = decimals_;
        _cap = cap_;
        _maturity = maturity_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(AGENT_ROLE, agent);
        if (_honoursMainland()) _exclude(MAINLAND_CHINA);
        for (uint256 i = 0; i < excluded_.length; ++i) {
            if (excluded_[i] != MAINLAND_CHINA || _honoursMainland()) _exclude(excluded_[i]);
        }
        for (uint256 i = 0; i < allowed_.length; ++i) {
            if (!_isAllowed[allowed_[i]]) {
                _isAllowed[allowed_[i]] = true;
                _allowed.push(allowed_[i]);
            }
        }
    }

    function _checksSender() internal pure virtual returns (bool) { return true; }
    function _checksForced() internal pure virtual returns (bool) { return true; }
    function _honoursMainland() internal pure virtual returns (bool) { return true; }
    function _blocksZero() internal pure virtual returns (bool) { return true; }

    function _exclude(uint16 country) private {
        if (!_isExcluded[country]) {
            _isExcluded[country] = true;
            _excluded.push(country);
        }
    }

    /// @notice ERC-20 decimals.
    function decimals() public view override returns (uint8) { return _decimals; }
    /// @notice Tranche cap.
    function cap() external view returns (uint256) { return _cap; }
    /// @notice Maturity, unix seconds.
    function maturity() external view returns (uint64) { return _maturity; }
    /// @notice Excluded list.
    function excludedCountries() external view returns (uint16[] memory) { return _excluded; }
    /// @notice Allowed list.
    function allowedCountries() external view returns (uint16[] memory) { return _allowed; }

    /// @notice Whether the country is excluded.
    function isCountryExcluded(uint16 country) public view returns (bool) {
        return (country == 0 && _blocksZero()) || _isExcluded[country];
    }

    /// @notice Whether the country may hold the token.
    function isCountryAllowed(uint16 country) public view returns (bool) {
        if (isCountryExcluded(country)) return false;
        return _allowed.length == 0 || _isAllowed[country] || (country == 0 && !_blocksZero());
    }

    /// @notice Registers investors.
    function batchRegisterInvestors(address[] calldata wallets, uint16[] calldata countries,
                                    uint64[] calldata expiries) external onlyRole(AGENT_ROLE) {
        for (uint256 i = 0; i < wallets.length; ++i) {
            _investors[wallets[i]] = Investor(true, true, countries[i], expiries[i]);
        }
    }

    /// @notice Changes an investor's country.
    function updateCountry(address wallet, uint16 country) external onlyRole(AGENT_ROLE) {
        _investors[wallet].country = country;
    }

    /// @notice Changes an investor's expiry.
    function updateExpiry(address wallet, uint64 expiry) external onlyRole(AGENT_ROLE) {
        _investors[wallet].expiry = expiry;
    }

    /// @notice Registry record.
    function getInvestor(address wallet) external view returns (bool, bool, uint16, uint64) {
        Investor memory inv = _investors[wallet];
        return (inv.registered, inv.verified, inv.country, inv.expiry);
    }

    /// @notice Registered, verified and unexpired.
    function isVerified(address wallet) public view returns (bool) {
        Investor memory inv = _investors[wallet];
        return inv.registered && inv.verified && block.timestamp <= inv.expiry;
    }

    /// @notice Recorded country.
    function investorCountry(address wallet) external view returns (uint16) { return _investors[wallet].country; }

    /// @notice Agent mint.
    function mint(address to, uint256 amount) external onlyRole(AGENT_ROLE) { _mint(to, amount); }

    /// @notice Agent forced transfer (checked or not, by variant).
    function forcedTransfer(address from, address to, uint256 amount) external onlyRole(AGENT_ROLE) returns (bool) {
        _bypass = !_checksForced();
        _transfer(from, to, amount);
        _bypass = false;
        return true;
    }

    /// @notice ERC-1404 view.
    function detectTransferRestriction(address from, address to, uint256 value) external view returns (uint8) {
        return _restriction(from, to, value);
    }

    /// @notice ERC-1404 message.
    function messageForTransferRestriction(uint8 code) external pure returns (string memory) {
        return code == 0 ? "SUCCESS" : "restricted";
    }

    function _update(address from, address to, uint256 value) internal override {
        if (!_bypass) {
            uint8 code = _restriction(from, to, value);
            if (code != 0) revert TransferRestricted(code, from, to, value);
        }
        super._update(from, to, value);
    }

    function _restriction(address from, address to, uint256 value) internal view returns (uint8) {
        if (to == address(0)) return balanceOf(from) < value ? 8 : 0;
        if (block.timestamp >= _maturity) return 10;
        if (from != address(0) && _checksSender()) {
            uint8 s = _investorCode(from, 2, 4, 6);
            if (s != 0) return s;
        }
        uint8 r = _investorCode(to, 3, 5, 7);
        if (r != 0) return r;
        if (from == address(0)) return value > _cap - totalSupply() ? 9 : 0;
        return balanceOf(from) < value ? 8 : 0;
    }

    function _investorCode(address wallet, uint8 notVerified, uint8 expired, uint8 jurisdiction)
        private view returns (uint8)
    {
        Investor memory inv = _investors[wallet];
        if (!inv.registered || !inv.verified) return notVerified;
        if (block.timestamp > inv.expiry) return expired;
        if (!isCountryAllowed(inv.country)) return jurisdiction;
        return 0;
    }
}

/// @notice TEST ONLY: checks the receiver, never the sender (the ERC-3643 reference implementation's gap).
contract ReceiverOnlyToken is WeakTokenBase {
    constructor(string memory n, string memory s, uint8 d, uint256 c, uint64 m, address ad, address ag,
                uint16[] memory ex, uint16[] memory al) WeakTokenBase(n, s, d, c, m, ad, ag, ex, al) {}
    function _checksSender() internal pure override returns (bool) { return false; }
}

/// @notice TEST ONLY: forcedTransfer moves tokens without any compliance check.
contract ForcedSkipToken is WeakTokenBase {
    constructor(string memory n, string memory s, uint8 d, uint256 c, uint64 m, address ad, address ag,
                uint16[] memory ex, uint16[] memory al) WeakTokenBase(n, s, d, c, m, ad, ag, ex, al) {}
    function _checksForced() internal pure override returns (bool) { return false; }
}

/// @notice TEST ONLY: drops 156 from the excluded list, so the mainland can hold the token.
contract MainlandAllowedToken is WeakTokenBase {
    constructor(string memory n, string memory s, uint8 d, uint256 c, uint64 m, address ad, address ag,
                uint16[] memory ex, uint16[] memory al) WeakTokenBase(n, s, d, c, m, ad, ag, ex, al) {}
    function _honoursMainland() internal pure override returns (bool) { return false; }
}

/// @notice TEST ONLY: country 0 (unknown) passes the jurisdiction check.
contract CountryZeroToken is WeakTokenBase {
    constructor(string memory n, string memory s, uint8 d, uint256 c, uint64 m, address ad, address ag,
                uint16[] memory ex, uint16[] memory al) WeakTokenBase(n, s, d, c, m, ad, ag, ex, al) {}
    function _blocksZero() internal pure override returns (bool) { return false; }
}
