// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";

/**
 * @title AgentRole
 * @notice TEST ONLY. The owner appoints agents, who run day-to-day operations (register identities, mint, force
 * transfers), as in ERC-3643 deployments. Agents are announced by `AgentAdded`, which is how a checker finds them.
 */
abstract contract AgentRole is Ownable {
    mapping(address account => bool) private _agents;

    /// @notice `agent` may now act as an agent.
    event AgentAdded(address indexed agent);

    /// @notice The caller is not an agent.
    error NotAgent(address account);

    /// @notice The agent is the zero address or already appointed.
    error InvalidAgent(address agent);

    modifier onlyAgent() {
        if (!_agents[msg.sender]) revert NotAgent(msg.sender);
        _;
    }

    constructor(address owner_) Ownable(owner_) {}

    /// @notice Appoint an agent (owner only).
    function addAgent(address agent) external onlyOwner {
        if (agent == address(0) || _agents[agent]) revert InvalidAgent(agent);
        _agents[agent] = true;
        emit AgentAdded(agent);
    }

    /// @notice Whether `account` is an agent.
    function isAgent(address account) public view returns (bool) {
        return _agents[account];
    }
}
