// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {EnumerableSet} from "@openzeppelin/contracts/utils/structs/EnumerableSet.sol";

/**
 * @title OffshoreABSToken
 * @notice Permissioned ERC-20 for ONE tranche of an asset-backed security issued offshore. Holders must be
 * investors registered by the agent with a verified, unexpired status and an eligible jurisdiction (ISO 3166-1
 * numeric). Mainland China (156) can never send or receive the token, whatever any role does; country 0
 * (unknown / unregistered) is always blocked too.
 *
 * @dev Design:
 * - The investor registry and the compliance rules live in this contract, so `identityRegistry()` and
 *   `compliance()` return `address(this)`: an ERC-3643 reader that follows those pointers and calls
 *   `isVerified`, `investorCountry` or `canTransfer` reaches this token, which answers them.
 * - `_update` is the single place every balance change (mint, burn, transfer, transferFrom, forcedTransfer) is
 *   checked, and it calls the same `_restriction` function as `detectTransferRestriction` (ERC-1404), so the
 *   view and the enforcement cannot disagree. A refused change reverts with `TransferRestricted(code, ...)`.
 * - Mint (from = 0): token not paused, not matured, cap not exceeded, receiver eligible.
 *   Transfer: token not paused, not matured, sender AND receiver eligible, sender balance sufficient.
 *   Burn (to = 0): only the agent can burn (`burn`); no investor check, allowed while paused and after maturity,
 *   so that the agent can redeem at maturity and remove tokens held by a wallet re-flagged as ineligible.
 *   Holders cannot burn their own tokens (there is no public self-burn).
 * - "Eligible" investor: registered, `verified` flag set, `block.timestamp <= expiry`, country not 0, country not
 *   excluded (156 always is), and country in the allowed list when that list is non-empty.
 * - `forcedTransfer` (agent) only skips the allowance: it runs through `_update` like any transfer.
 * - `transferFrom` also requires the spender (the caller using the allowance) to be an eligible investor (code 11):
 *   a mainland or unregistered spender cannot move tokens, even between two eligible holders.
 * - The token records the country a wallet was registered with when it last received tokens (`receivedCountry`),
 *   and a wallet holding tokens can never be given, or re-registered with, a country that may not hold them
 *   (`HolderCountryIneligible`): re-flagging a mainland wallet offshore, minting to it and flagging it back fails at
 *   the last step. A holder whose country must change to an ineligible one is first frozen (`setVerified(false)`)
 *   and emptied by an agent burn; a holder whose country the admin later excludes is frozen by the sender check.
 */
contract OffshoreABSToken is ERC20, AccessControl, Pausable {
    using EnumerableSet for EnumerableSet.UintSet;
    using EnumerableSet for EnumerableSet.Bytes32Set;

    // ---------------------------------------------------------------------------------------------------------
    // Constants
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Role that manages investors, mints, burns, force-transfers, pauses and sets documents.
    bytes32 public constant AGENT_ROLE = keccak256("AGENT_ROLE");

    /// @notice ISO 3166-1 numeric code of mainland China. Always excluded; no role can change that.
    uint16 public constant MAINLAND_CHINA = 156;

    /// @notice Document name under which the SHA-256 of the filing packet's `manifest.json` is stored:
    /// `bytes32("filing.manifest")`, i.e. the ASCII bytes left-aligned and zero-padded to 32 bytes.
    bytes32 public constant FILING_MANIFEST_DOCUMENT = bytes32("filing.manifest");

    /// @notice ERC-1404 restriction codes returned by `detectTransferRestriction`.
    uint8 public constant SUCCESS = 0;
    uint8 public constant PAUSED = 1;
    uint8 public constant SENDER_NOT_VERIFIED = 2;
    uint8 public constant RECEIVER_NOT_VERIFIED = 3;
    uint8 public constant SENDER_EXPIRED = 4;
    uint8 public constant RECEIVER_EXPIRED = 5;
    uint8 public constant SENDER_JURISDICTION_BLOCKED = 6;
    uint8 public constant RECEIVER_JURISDICTION_BLOCKED = 7;
    uint8 public constant INSUFFICIENT_BALANCE = 8;
    uint8 public constant CAP_EXCEEDED = 9;
    uint8 public constant TOKEN_MATURED = 10;
    uint8 public constant SPENDER_NOT_ELIGIBLE = 11;

    // ---------------------------------------------------------------------------------------------------------
    // Storage
    // ---------------------------------------------------------------------------------------------------------

    struct Investor {
        bool registered;
        bool verified;
        uint16 country;
        uint64 expiry;
    }

    struct Document {
        string uri;
        bytes32 documentHash;
        uint256 lastModified;
    }

    uint8 private immutable _decimals;
    uint256 private immutable _cap;
    uint64 private immutable _maturity;

    mapping(address wallet => Investor) private _investors;
    mapping(address wallet => uint16) private _receivedCountry;
    EnumerableSet.UintSet private _excluded; // 156 is always a member
    EnumerableSet.UintSet private _allowed; // empty = every non-excluded country
    mapping(bytes32 name => Document) private _documents;
    EnumerableSet.Bytes32Set private _documentNames;

    // ---------------------------------------------------------------------------------------------------------
    // Events
    // ---------------------------------------------------------------------------------------------------------

    /// @notice An investor wallet was added to the registry (verified = true).
    event InvestorRegistered(address indexed wallet, uint16 country, uint64 expiry);
    /// @notice An investor's country, verified flag or expiry changed; carries the full new record.
    event InvestorUpdated(address indexed wallet, uint16 country, bool verified, uint64 expiry);
    /// @notice An investor wallet was removed from the registry.
    event InvestorRemoved(address indexed wallet);
    /// @notice A country was added to (`excluded` true) or removed from the excluded list.
    event CountryExclusionSet(uint16 indexed country, bool excluded);
    /// @notice A country was added to (`allowed` true) or removed from the allowed list.
    event CountryAllowanceSet(uint16 indexed country, bool allowed);
    /// @notice The agent moved tokens without the holder's allowance (after every compliance check).
    event ForcedTransfer(address indexed agent, address indexed from, address indexed to, uint256 amount);
    /// @notice ERC-1643: a document was set or replaced.
    event DocumentUpdated(bytes32 indexed name, string uri, bytes32 documentHash);
    /// @notice ERC-1643: a document was removed.
    event DocumentRemoved(bytes32 indexed name, string uri, bytes32 documentHash);

    // ---------------------------------------------------------------------------------------------------------
    // Errors
    // ---------------------------------------------------------------------------------------------------------

    /// @notice A balance change was refused; `code` is the ERC-1404 restriction code.
    error TransferRestricted(uint8 code, address from, address to, uint256 value);
    /// @notice A required address (admin, agent, investor wallet) is the zero address.
    error ZeroAddress();
    /// @notice The cap (tranche principal) must be greater than zero.
    error InvalidCap();
    /// @notice The maturity must lie in the future at deployment.
    error InvalidMaturity(uint64 maturity);
    /// @notice Not an ISO 3166-1 numeric code (must be 1..999; 0 is accepted only as an investor's recorded country).
    error InvalidCountry(uint16 country);
    /// @notice 156 and 0 can never be allowed nor un-excluded.
    error CountryAlwaysExcluded(uint16 country);
    /// @notice The country would be both allowed and excluded.
    error CountryListConflict(uint16 country);
    /// @notice The wallet is already in the registry.
    error InvestorAlreadyRegistered(address wallet);
    /// @notice The wallet is not in the registry.
    error InvestorNotRegistered(address wallet);
    /// @notice The wallet holds tokens and `country` may not hold them (0, 156, excluded or not allowed).
    error HolderCountryIneligible(address wallet, uint16 country);
    /// @notice Batch arrays differ in length.
    error LengthMismatch();
    /// @notice The caller has neither DEFAULT_ADMIN_ROLE nor AGENT_ROLE.
    error NotAdminOrAgent(address account);
    /// @notice A document name must not be zero.
    error EmptyDocumentName();
    /// @notice No document is stored under this name.
    error DocumentNotFound(bytes32 name);

    modifier onlyAdminOrAgent() {
        if (!hasRole(DEFAULT_ADMIN_ROLE, _msgSender()) && !hasRole(AGENT_ROLE, _msgSender())) {
            revert NotAdminOrAgent(_msgSender());
        }
        _;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Construction
    // ---------------------------------------------------------------------------------------------------------

    /**
     * @notice Deploys the token of one tranche.
     * @param name_ ERC-20 name.
     * @param symbol_ ERC-20 symbol.
     * @param decimals_ ERC-20 decimals.
     * @param cap_ Maximum total supply in base units (the tranche principal); must be > 0.
     * @param maturity_ Tranche legal maturity, unix seconds; must be in the future. From then on mints and transfers
     * are refused (code 10) and only agent burns (redemption) remain possible.
     * @param admin Receives DEFAULT_ADMIN_ROLE (manages roles and the country lists).
     * @param agent Receives AGENT_ROLE (investors, mint, burn, forcedTransfer, pause, documents).
     * @param excludedCountries_ ISO 3166-1 numeric codes to exclude, in addition to 156 which is always excluded
     * (listing 156 is accepted and has no further effect). Each must be 1..999; duplicates are ignored.
     * @param allowedCountries_ ISO 3166-1 numeric codes allowed; empty = every non-excluded country. Each must be
     * 1..999, must not be 156 (reverts `CountryAlwaysExcluded`) and must not be in the excluded list (reverts
     * `CountryListConflict`); duplicates are ignored.
     */
    constructor(
        string memory name_,
        string memory symbol_,
        uint8 decimals_,
        uint256 cap_,
        uint64 maturity_,
        address admin,
        address agent,
        uint16[] memory excludedCountries_,
        uint16[] memory allowedCountries_
    ) ERC20(name_, symbol_) {
        if (admin == address(0) || agent == address(0)) revert ZeroAddress();
        if (cap_ == 0) revert InvalidCap();
        if (maturity_ <= block.timestamp) revert InvalidMaturity(maturity_);
        _decimals = decimals_;
        _cap = cap_;
        _maturity = maturity_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(AGENT_ROLE, agent);

        _excluded.add(MAINLAND_CHINA);
        emit CountryExclusionSet(MAINLAND_CHINA, true);
        for (uint256 i = 0; i < excludedCountries_.length; ++i) {
            _setExcluded(excludedCountries_[i], true);
        }
        for (uint256 i = 0; i < allowedCountries_.length; ++i) {
            _setAllowed(allowedCountries_[i], true);
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // ERC-20 metadata and tranche terms
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Number of decimals of the token's base unit.
    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Maximum total supply in base units (the tranche principal).
    function cap() external view returns (uint256) {
        return _cap;
    }

    /// @notice Tranche maturity, unix seconds. From this time mints and transfers are refused (code 10).
    function maturity() external view returns (uint64) {
        return _maturity;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Agent operations
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Mints `amount` to `to`; `to` must be an eligible investor and the cap must hold.
    /// @param to Receiving investor wallet.
    /// @param amount Base units.
    function mint(address to, uint256 amount) external onlyRole(AGENT_ROLE) {
        _mint(to, amount);
    }

    /// @notice Burns `amount` from `from` without allowance (redemption, or removal from an ineligible wallet).
    /// Not checked against the registry; allowed while paused and after maturity.
    /// @param from Holder wallet.
    /// @param amount Base units.
    function burn(address from, uint256 amount) external onlyRole(AGENT_ROLE) {
        _burn(from, amount);
    }

    /**
     * @notice Moves `amount` from `from` to `to` without the holder's allowance (recovery, court orders).
     * It passes every check a normal transfer passes (pause, maturity, sender and receiver eligibility including
     * jurisdiction, balance): it can never deliver tokens to a mainland (156) or otherwise ineligible wallet.
     * @param from Holder wallet.
     * @param to Receiving investor wallet.
     * @param amount Base units.
     * @return Always true (reverts on failure).
     */
    function forcedTransfer(address from, address to, uint256 amount) external onlyRole(AGENT_ROLE) returns (bool) {
        _transfer(from, to, amount);
        emit ForcedTransfer(_msgSender(), from, to, amount);
        return true;
    }

    /// @notice Pauses mints and transfers (agent burns stay possible).
    function pause() external onlyAdminOrAgent {
        _pause();
    }

    /// @notice Lifts a pause.
    function unpause() external onlyAdminOrAgent {
        _unpause();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Investor registry (agent)
    // ---------------------------------------------------------------------------------------------------------

    /**
     * @notice Adds `wallet` to the registry as verified.
     * @param wallet Investor wallet (not zero, not registered yet).
     * @param country ISO 3166-1 numeric code (0..999). 156 and 0 may be recorded, but such a wallet can never send
     * or receive; a wallet that still holds tokens (removed, then registered again) must get a country that may hold
     * them, else `HolderCountryIneligible`.
     * @param expiry Unix seconds up to which (inclusive) the verification is valid.
     */
    function registerInvestor(address wallet, uint16 country, uint64 expiry) external onlyRole(AGENT_ROLE) {
        _register(wallet, country, expiry);
    }

    /// @notice Registers several wallets; see `registerInvestor`. The three arrays must have equal length.
    /// @param wallets Investor wallets.
    /// @param countries ISO 3166-1 numeric codes.
    /// @param expiries Unix seconds.
    function batchRegisterInvestors(address[] calldata wallets, uint16[] calldata countries, uint64[] calldata expiries)
        external
        onlyRole(AGENT_ROLE)
    {
        if (wallets.length != countries.length || wallets.length != expiries.length) revert LengthMismatch();
        for (uint256 i = 0; i < wallets.length; ++i) {
            _register(wallets[i], countries[i], expiries[i]);
        }
    }

    /// @notice Changes a registered investor's country. 156 and 0 may be recorded for a wallet that holds no tokens
    /// (it is then frozen); a wallet that holds tokens can only be given a country that may hold them, else the call
    /// reverts `HolderCountryIneligible` (freeze it with `setVerified(false)` and burn first).
    /// @param wallet Registered investor wallet.
    /// @param country ISO 3166-1 numeric code (0..999).
    function updateCountry(address wallet, uint16 country) external onlyRole(AGENT_ROLE) {
        if (country > 999) revert InvalidCountry(country);
        Investor storage inv = _registered(wallet);
        _checkHolderCountry(wallet, country);
        inv.country = country;
        emit InvestorUpdated(wallet, inv.country, inv.verified, inv.expiry);
    }

    /// @notice Changes a registered investor's verification expiry.
    /// @param wallet Registered investor wallet.
    /// @param expiry Unix seconds up to which (inclusive) the verification is valid.
    function updateExpiry(address wallet, uint64 expiry) external onlyRole(AGENT_ROLE) {
        Investor storage inv = _registered(wallet);
        inv.expiry = expiry;
        emit InvestorUpdated(wallet, inv.country, inv.verified, inv.expiry);
    }

    /// @notice Sets or clears a registered investor's verified flag (clearing it freezes the wallet).
    /// @param wallet Registered investor wallet.
    /// @param verified New flag.
    function setVerified(address wallet, bool verified) external onlyRole(AGENT_ROLE) {
        Investor storage inv = _registered(wallet);
        inv.verified = verified;
        emit InvestorUpdated(wallet, inv.country, inv.verified, inv.expiry);
    }

    /// @notice Removes `wallet` from the registry (its balance stays but cannot move except by agent burn).
    /// @param wallet Registered investor wallet.
    function removeInvestor(address wallet) external onlyRole(AGENT_ROLE) {
        _registered(wallet);
        delete _investors[wallet];
        emit InvestorRemoved(wallet);
    }

    /// @notice The country `wallet` was registered with when it last received tokens (0 if it never received any).
    /// @param wallet Any address.
    function receivedCountry(address wallet) external view returns (uint16) {
        return _receivedCountry[wallet];
    }

    /// @notice The registry record of `wallet` (all zero / false when not registered).
    /// @param wallet Any address.
    /// @return registered Whether the wallet is in the registry.
    /// @return verified The verified flag.
    /// @return country ISO 3166-1 numeric code (0 when not registered).
    /// @return expiry Unix seconds.
    function getInvestor(address wallet)
        external
        view
        returns (bool registered, bool verified, uint16 country, uint64 expiry)
    {
        Investor memory inv = _investors[wallet];
        return (inv.registered, inv.verified, inv.country, inv.expiry);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Country lists (admin)
    // ---------------------------------------------------------------------------------------------------------

    /// @notice Adds `country` to or removes it from the excluded list. 156 cannot be removed.
    /// @param country ISO 3166-1 numeric code, 1..999.
    /// @param excluded True to exclude, false to lift the exclusion.
    function setCountryExcluded(uint16 country, bool excluded) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setExcluded(country, excluded);
    }

    /// @notice Adds `country` to or removes it from the allowed list. Caution: removing the last entry makes the
    /// list empty, which allows every non-excluded country.
    /// @param country ISO 3166-1 numeric code, 1..999, not 156, not excluded.
    /// @param allowed True to allow, false to remove from the list.
    function setCountryAllowed(uint16 country, bool allowed) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setAllowed(country, allowed);
    }

    /// @notice Whether `country` is blocked by exclusion: true for 156, for 0 and for every listed code.
    /// @param country ISO 3166-1 numeric code.
    function isCountryExcluded(uint16 country) public view returns (bool) {
        return country == 0 || country == MAINLAND_CHINA || _excluded.contains(country);
    }

    /// @notice Whether an investor of `country` may hold the token: not excluded, and in the allowed list when
    /// that list is non-empty.
    /// @param country ISO 3166-1 numeric code.
    function isCountryAllowed(uint16 country) public view returns (bool) {
        if (isCountryExcluded(country)) return false;
        return _allowed.length() == 0 || _allowed.contains(country);
    }

    /// @notice The excluded list (always contains 156, first); 0 is blocked as well but not listed.
    function excludedCountries() external view returns (uint16[] memory) {
        return _toUint16(_excluded.values());
    }

    /// @notice The allowed list; empty means every non-excluded country.
    function allowedCountries() external view returns (uint16[] memory) {
        return _toUint16(_allowed.values());
    }

    // ---------------------------------------------------------------------------------------------------------
    // ERC-3643 read interface
    // ---------------------------------------------------------------------------------------------------------

    /// @notice ERC-3643 identity registry: this token keeps its own registry, so it returns `address(this)`.
    function identityRegistry() external view returns (address) {
        return address(this);
    }

    /// @notice ERC-3643 compliance: the rules are enforced by this token itself, so it returns `address(this)`.
    function compliance() external view returns (address) {
        return address(this);
    }

    /// @notice ERC-3643: true if `wallet` is registered, flagged verified and its verification has not expired.
    /// Jurisdiction is not part of it (see `investorCountry` and `isCountryAllowed`).
    /// @param wallet Any address.
    function isVerified(address wallet) public view returns (bool) {
        Investor memory inv = _investors[wallet];
        return inv.registered && inv.verified && block.timestamp <= inv.expiry;
    }

    /// @notice ERC-3643: the investor's recorded ISO 3166-1 numeric country; 0 when not registered.
    /// @param wallet Any address.
    function investorCountry(address wallet) external view returns (uint16) {
        return _investors[wallet].country;
    }

    /// @notice ERC-20 `transferFrom`, refused (code 11) unless the spender is itself an eligible investor; then every
    /// check of `_update` applies to `from` and `to`.
    /// @param from Holder wallet.
    /// @param to Receiving investor wallet.
    /// @param value Base units.
    /// @return Always true (reverts on failure).
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        uint8 code = spenderRestriction(_msgSender());
        if (code != SUCCESS) revert TransferRestricted(code, from, to, value);
        return super.transferFrom(from, to, value);
    }

    /// @notice The restriction a `transferFrom` by `spender` meets before the transfer's own checks: 11 unless the
    /// spender is registered, verified, unexpired and of an eligible country; 0 otherwise.
    /// @param spender Any address.
    function spenderRestriction(address spender) public view returns (uint8) {
        return _investorCode(spender, SPENDER_NOT_ELIGIBLE, SPENDER_NOT_ELIGIBLE, SPENDER_NOT_ELIGIBLE);
    }

    /// @notice ERC-3643 compliance: true iff `detectTransferRestriction(from, to, amount)` is 0 (this includes
    /// pause, maturity, eligibility of both sides and the sender's balance).
    /// @param from Sender (address(0) for a mint).
    /// @param to Receiver.
    /// @param amount Base units.
    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        return _restriction(from, to, amount) == SUCCESS;
    }

    // ---------------------------------------------------------------------------------------------------------
    // ERC-1404
    // ---------------------------------------------------------------------------------------------------------

    /// @notice ERC-1404: the restriction code a balance change would meet now; 0 means it would succeed.
    /// `from` = address(0) evaluates a mint, `to` = address(0) an agent burn.
    /// @param from Sender.
    /// @param to Receiver.
    /// @param value Base units.
    function detectTransferRestriction(address from, address to, uint256 value) external view returns (uint8) {
        return _restriction(from, to, value);
    }

    /// @notice ERC-1404: a human-readable message for a restriction code.
    /// @param restrictionCode A code from `detectTransferRestriction`.
    function messageForTransferRestriction(uint8 restrictionCode) external pure returns (string memory) {
        if (restrictionCode == SUCCESS) return "SUCCESS";
        if (restrictionCode == PAUSED) return "Token is paused";
        if (restrictionCode == SENDER_NOT_VERIFIED) return "Sender is not a registered, verified investor";
        if (restrictionCode == RECEIVER_NOT_VERIFIED) return "Receiver is not a registered, verified investor";
        if (restrictionCode == SENDER_EXPIRED) return "Sender verification has expired";
        if (restrictionCode == RECEIVER_EXPIRED) return "Receiver verification has expired";
        if (restrictionCode == SENDER_JURISDICTION_BLOCKED) return "Sender jurisdiction is not eligible";
        if (restrictionCode == RECEIVER_JURISDICTION_BLOCKED) return "Receiver jurisdiction is not eligible";
        if (restrictionCode == INSUFFICIENT_BALANCE) return "Sender balance is insufficient";
        if (restrictionCode == CAP_EXCEEDED) return "Mint would exceed the tranche cap";
        if (restrictionCode == TOKEN_MATURED) return "Token has matured";
        if (restrictionCode == SPENDER_NOT_ELIGIBLE) return "Spender is not an eligible investor";
        return "Unknown restriction code";
    }

    // ---------------------------------------------------------------------------------------------------------
    // ERC-1643 documents
    // ---------------------------------------------------------------------------------------------------------

    /**
     * @notice ERC-1643: sets or replaces a document. Convention: the SHA-256 digest of the filing packet's
     * `manifest.json` is stored under `FILING_MANIFEST_DOCUMENT` = `bytes32("filing.manifest")` with
     * `documentHash` = the raw 32-byte SHA-256 and `uri` = where the packet can be obtained (may be empty).
     * @param name Non-zero document name (ASCII left-aligned, zero-padded, by convention).
     * @param uri Location of the document; may be empty.
     * @param documentHash Hash of the document's bytes (SHA-256 by the project's convention).
     */
    function setDocument(bytes32 name, string calldata uri, bytes32 documentHash) external onlyAdminOrAgent {
        if (name == bytes32(0)) revert EmptyDocumentName();
        _documents[name] = Document({uri: uri, documentHash: documentHash, lastModified: block.timestamp});
        _documentNames.add(name);
        emit DocumentUpdated(name, uri, documentHash);
    }

    /// @notice ERC-1643: removes a document.
    /// @param name Name of a stored document.
    function removeDocument(bytes32 name) external onlyAdminOrAgent {
        if (!_documentNames.contains(name)) revert DocumentNotFound(name);
        Document memory doc = _documents[name];
        delete _documents[name];
        _documentNames.remove(name);
        emit DocumentRemoved(name, doc.uri, doc.documentHash);
    }

    /// @notice ERC-1643: a document's uri, hash and last-modified time (unix seconds); all empty/zero if unknown.
    /// @param name Document name.
    function getDocument(bytes32 name) external view returns (string memory, bytes32, uint256) {
        Document memory doc = _documents[name];
        return (doc.uri, doc.documentHash, doc.lastModified);
    }

    /// @notice ERC-1643: the names of all stored documents.
    function getAllDocuments() external view returns (bytes32[] memory) {
        return _documentNames.values();
    }

    // ---------------------------------------------------------------------------------------------------------
    // The single enforcement point
    // ---------------------------------------------------------------------------------------------------------

    /// @dev Every balance change passes here; it reverts with the code `detectTransferRestriction` would return.
    function _update(address from, address to, uint256 value) internal override {
        uint8 code = _restriction(from, to, value);
        if (code != SUCCESS) revert TransferRestricted(code, from, to, value);
        super._update(from, to, value);
        if (to != address(0)) _receivedCountry[to] = _investors[to].country;
    }

    /// @dev The rules, shared by `_update`, `detectTransferRestriction` and `canTransfer`.
    function _restriction(address from, address to, uint256 value) internal view returns (uint8) {
        if (to == address(0)) {
            // Burn (agent only, see `burn`): no pause, maturity or registry check.
            return balanceOf(from) < value ? INSUFFICIENT_BALANCE : SUCCESS;
        }
        if (paused()) return PAUSED;
        if (block.timestamp >= _maturity) return TOKEN_MATURED;
        if (from != address(0)) {
            uint8 senderCode = _investorCode(from, SENDER_NOT_VERIFIED, SENDER_EXPIRED, SENDER_JURISDICTION_BLOCKED);
            if (senderCode != SUCCESS) return senderCode;
        }
        uint8 receiverCode =
            _investorCode(to, RECEIVER_NOT_VERIFIED, RECEIVER_EXPIRED, RECEIVER_JURISDICTION_BLOCKED);
        if (receiverCode != SUCCESS) return receiverCode;
        if (from == address(0)) {
            // Mint: totalSupply() <= _cap always holds, so the subtraction cannot underflow.
            return value > _cap - totalSupply() ? CAP_EXCEEDED : SUCCESS;
        }
        return balanceOf(from) < value ? INSUFFICIENT_BALANCE : SUCCESS;
    }

    function _investorCode(address wallet, uint8 notVerified, uint8 expired, uint8 jurisdiction)
        private
        view
        returns (uint8)
    {
        Investor memory inv = _investors[wallet];
        if (!inv.registered || !inv.verified) return notVerified;
        if (block.timestamp > inv.expiry) return expired;
        if (!isCountryAllowed(inv.country)) return jurisdiction;
        return SUCCESS;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Internals
    // ---------------------------------------------------------------------------------------------------------

    function _register(address wallet, uint16 country, uint64 expiry) private {
        if (wallet == address(0)) revert ZeroAddress();
        if (country > 999) revert InvalidCountry(country);
        if (_investors[wallet].registered) revert InvestorAlreadyRegistered(wallet);
        _checkHolderCountry(wallet, country);
        _investors[wallet] = Investor({registered: true, verified: true, country: country, expiry: expiry});
        emit InvestorRegistered(wallet, country, expiry);
    }

    /// @dev A wallet that holds tokens may only be recorded with a country that may hold them.
    function _checkHolderCountry(address wallet, uint16 country) private view {
        if (balanceOf(wallet) > 0 && !isCountryAllowed(country)) revert HolderCountryIneligible(wallet, country);
    }

    function _registered(address wallet) private view returns (Investor storage inv) {
        inv = _investors[wallet];
        if (!inv.registered) revert InvestorNotRegistered(wallet);
    }

    function _setExcluded(uint16 country, bool excluded) private {
        if (country == 0 || country == MAINLAND_CHINA) {
            if (!excluded) revert CountryAlwaysExcluded(country);
            return; // always excluded already
        }
        if (country > 999) revert InvalidCountry(country);
        if (excluded) {
            if (_allowed.contains(country)) revert CountryListConflict(country);
            if (_excluded.add(country)) emit CountryExclusionSet(country, true);
        } else if (_excluded.remove(country)) {
            emit CountryExclusionSet(country, false);
        }
    }

    function _setAllowed(uint16 country, bool allowed) private {
        if (country == 0 || country == MAINLAND_CHINA) {
            if (allowed) revert CountryAlwaysExcluded(country);
            return; // never in the list
        }
        if (country > 999) revert InvalidCountry(country);
        if (allowed) {
            if (_excluded.contains(country)) revert CountryListConflict(country);
            if (_allowed.add(country)) emit CountryAllowanceSet(country, true);
        } else if (_allowed.remove(country)) {
            emit CountryAllowanceSet(country, false);
        }
    }

    function _toUint16(uint256[] memory values) private pure returns (uint16[] memory out) {
        out = new uint16[](values.length);
        for (uint256 i = 0; i < values.length; ++i) {
            out[i] = uint16(values[i]);
        }
    }
}
