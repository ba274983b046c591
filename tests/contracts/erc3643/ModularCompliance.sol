// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {IComplianceModule, IModularCompliance} from "./Interfaces.sol";

/**
 * @title ModularCompliance
 * @notice TEST ONLY. A compliance in the ERC-3643 modular design: it serves one token, a transfer is compliant when
 * every bound module says so, and modules are configured only through `callModuleFunction`, so a module's settings
 * are keyed by the compliance that set them.
 */
contract ModularCompliance is IModularCompliance, Ownable {
    address private _token;
    address[] private _modules;
    mapping(address module => bool) private _isModule;

    /// @notice The compliance now serves `token`.
    event TokenBound(address indexed token);

    /// @notice `module` was bound.
    event ModuleAdded(address indexed module);

    /// @notice The owner called `selector` on `module` through the compliance.
    event ModuleInteraction(address indexed module, bytes4 selector);

    /// @notice The token is the zero address, or a token is already bound.
    error InvalidToken(address token);

    /// @notice The module is the zero address or already bound.
    error InvalidModule(address module);

    /// @notice The module is not bound to this compliance.
    error ModuleNotBound(address module);

    constructor(address owner_) Ownable(owner_) {}

    /// @notice Bind the token this compliance serves (owner only, once).
    function bindToken(address token) external onlyOwner {
        if (token == address(0) || _token != address(0)) revert InvalidToken(token);
        _token = token;
        emit TokenBound(token);
    }

    /// @notice Bind a module; it is asked about every transfer from now on (owner only).
    function addModule(address module) external onlyOwner {
        if (module == address(0) || _isModule[module]) revert InvalidModule(module);
        _isModule[module] = true;
        _modules.push(module);
        IComplianceModule(module).bindCompliance(address(this));
        emit ModuleAdded(module);
    }

    /// @notice Call a configuration function of a bound module as this compliance (owner only); a revert of the
    /// module is passed on unchanged.
    function callModuleFunction(bytes calldata callData, address module) external onlyOwner {
        if (!_isModule[module]) revert ModuleNotBound(module);
        (bool success, bytes memory result) = module.call(callData);
        if (!success) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
        emit ModuleInteraction(module, bytes4(callData[:4]));
    }

    /// @notice The bound modules, in the order they were added.
    function getModules() external view returns (address[] memory) {
        return _modules;
    }

    /// @inheritdoc IModularCompliance
    function getTokenBound() external view returns (address) {
        return _token;
    }

    /// @inheritdoc IModularCompliance
    function canTransfer(address from, address to, uint256 amount) external view returns (bool) {
        for (uint256 i = 0; i < _modules.length; ++i) {
            if (!IComplianceModule(_modules[i]).moduleCheck(from, to, amount, address(this))) return false;
        }
        return true;
    }
}
