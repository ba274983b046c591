// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * @title ERC1404Token
 * @notice TEST ONLY. A simple restricted token (ERC-1404): the owner keeps a whitelist, a transfer needs a
 * whitelisted sender and receiver, and `detectTransferRestriction` says in advance which code a transfer would
 * fail with. It knows nothing of countries, so a checker can see that it restricts holders but cannot prove who.
 * @dev `_update` refuses with the same code `detectTransferRestriction` returns, so the two cannot disagree.
 */
contract ERC1404Token is ERC20, Ownable {
    /// @notice ERC-1404 restriction codes.
    uint8 public constant SUCCESS = 0;
    uint8 public constant SENDER_NOT_WHITELISTED = 1;
    uint8 public constant RECEIVER_NOT_WHITELISTED = 2;

    uint8 private immutable _decimals;
    mapping(address wallet => bool) private _whitelisted;

    /// @notice `wallet` was added to (true) or removed from (false) the whitelist.
    event WhitelistUpdated(address indexed wallet, bool whitelisted);

    /// @notice A balance change was refused with an ERC-1404 code.
    error TransferRestricted(uint8 code, address from, address to, uint256 value);

    constructor(string memory name_, string memory symbol_, uint8 decimals_, address owner_)
        ERC20(name_, symbol_)
        Ownable(owner_)
    {
        _decimals = decimals_;
    }

    /// @notice ERC-20 decimals, set at deployment.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Add `wallet` to or remove it from the whitelist (owner only).
    function setWhitelisted(address wallet, bool whitelisted) external onlyOwner {
        _whitelisted[wallet] = whitelisted;
        emit WhitelistUpdated(wallet, whitelisted);
    }

    /// @notice Create `amount` tokens for `to` (owner only; `to` must be whitelisted).
    function mint(address to, uint256 amount) external onlyOwner {
        _mint(to, amount);
    }

    /// @notice The ERC-1404 code a transfer from `from` to `to` would fail with (0: it would pass); the amount
    /// does not matter to a whitelist.
    function detectTransferRestriction(address from, address to, uint256) public view returns (uint8) {
        if (from != address(0) && !_whitelisted[from]) return SENDER_NOT_WHITELISTED;
        if (to != address(0) && !_whitelisted[to]) return RECEIVER_NOT_WHITELISTED;
        return SUCCESS;
    }

    /// @notice Human-readable text of a restriction code.
    function messageForTransferRestriction(uint8 restrictionCode) external pure returns (string memory) {
        if (restrictionCode == SUCCESS) return "SUCCESS";
        if (restrictionCode == SENDER_NOT_WHITELISTED) return "Sender is not whitelisted";
        if (restrictionCode == RECEIVER_NOT_WHITELISTED) return "Receiver is not whitelisted";
        return "Unknown restriction code";
    }

    function _update(address from, address to, uint256 value) internal override {
        uint8 code = detectTransferRestriction(from, to, value);
        if (code != SUCCESS) revert TransferRestricted(code, from, to, value);
        super._update(from, to, value);
    }
}
