// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/**
 * @title FilingTestIdentity
 * @notice A throw-away investor identity (and claim issuer) for the chain check's fork suite, written from the
 * ERC-734/735 and ONCHAINID interfaces that an ERC-3643 identity registry calls: `getClaim`, `keyHasPurpose`,
 * `isClaimValid`. It is only ever deployed on a local fork, never on a live chain.
 *
 * @dev One contract plays both parts, as an ONCHAINID identity does:
 * - as an investor's identity: its deployer (the manager) stores claims; the investor's wallet holds a management
 *   key (purpose 1), which is what an ERC-3643 token's `recoveryAddress` asks of a new wallet.
 * - as a claim issuer: `isClaimValid` recovers the signer of `keccak256(abi.encode(identity, topic, data))` (an
 *   `eth_sign` message) and accepts it when the signer holds a claim key (purpose 3) here and the signature was not
 *   revoked. Like the ONCHAINID issuer, it does not read any validity date inside the claim data.
 * - `addClaim` lists a claim under `keccak256(abi.encode(listedUnder, topic))`. An honest identity lists it under
 *   its issuer; listing it under another (trusted) issuer while naming itself as issuer is the self-issued claim
 *   the suite uses to test whether a registry checks who actually issued a claim.
 */
contract FilingTestIdentity {
    struct Claim {
        uint256 topic;
        uint256 scheme;
        address issuer;
        bytes signature;
        bytes data;
        string uri;
    }

    uint256 private constant MANAGEMENT = 1;
    uint256 private constant CLAIM_SIGNER = 3;

    address public immutable manager;
    mapping(bytes32 => mapping(uint256 => bool)) private _purposes;
    mapping(bytes32 => Claim) private _claims;
    mapping(uint256 => bytes32[]) private _claimsByTopic;
    mapping(bytes32 => bool) private _revoked;

    event ClaimAdded(bytes32 indexed claimId, uint256 indexed topic, address indexed issuer);
    event ClaimRevoked(bytes indexed signature);

    error NotManager(address caller);
    error BadSignature();

    modifier onlyManager() {
        if (msg.sender != manager && !keyHasPurpose(keccak256(abi.encode(msg.sender)), MANAGEMENT)) {
            revert NotManager(msg.sender);
        }
        _;
    }

    /// @param wallet the investor's wallet (a management key), or address(0) for an issuer
    /// @param claimSigner the address whose signatures this contract accepts as claims, or address(0)
    constructor(address wallet, address claimSigner) {
        manager = msg.sender;
        if (wallet != address(0)) _purposes[keccak256(abi.encode(wallet))][MANAGEMENT] = true;
        if (claimSigner != address(0)) _purposes[keccak256(abi.encode(claimSigner))][CLAIM_SIGNER] = true;
    }

    function addKey(bytes32 key, uint256 purpose) external onlyManager {
        _purposes[key][purpose] = true;
    }

    /// @notice A management key holds every purpose, as in ERC-734.
    function keyHasPurpose(bytes32 key, uint256 purpose) public view returns (bool) {
        return _purposes[key][MANAGEMENT] || _purposes[key][purpose];
    }

    function addClaim(address listedUnder, uint256 topic, uint256 scheme, address issuer, bytes calldata signature,
                      bytes calldata data, string calldata uri) external onlyManager returns (bytes32 claimId) {
        claimId = keccak256(abi.encode(listedUnder, topic));
        if (_claims[claimId].issuer == address(0)) _claimsByTopic[topic].push(claimId);
        _claims[claimId] = Claim(topic, scheme, issuer, signature, data, uri);
        emit ClaimAdded(claimId, topic, issuer);
    }

    function getClaim(bytes32 claimId) external view returns (uint256 topic, uint256 scheme, address issuer,
                                                              bytes memory signature, bytes memory data,
                                                              string memory uri) {
        Claim storage c = _claims[claimId];
        return (c.topic, c.scheme, c.issuer, c.signature, c.data, c.uri);
    }

    function getClaimIdsByTopic(uint256 topic) external view returns (bytes32[] memory) {
        return _claimsByTopic[topic];
    }

    function revokeClaimBySignature(bytes calldata signature) external onlyManager {
        _revoked[keccak256(signature)] = true;
        emit ClaimRevoked(signature);
    }

    function isClaimRevoked(bytes calldata signature) external view returns (bool) {
        return _revoked[keccak256(signature)];
    }

    function isClaimValid(address identity, uint256 topic, bytes calldata signature, bytes calldata data)
        external view returns (bool)
    {
        if (_revoked[keccak256(signature)] || signature.length != 65) return false;
        bytes32 digest = keccak256(abi.encode(identity, topic, data));
        bytes32 signed = keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", digest));
        bytes32 r = bytes32(signature[0:32]);
        bytes32 s = bytes32(signature[32:64]);
        uint8 v = uint8(signature[64]);
        address signer = ecrecover(signed, v < 27 ? v + 27 : v, r, s);
        return signer != address(0) && keyHasPurpose(keccak256(abi.encode(signer)), CLAIM_SIGNER);
    }
}
