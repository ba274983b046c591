#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
//
// Compile the project's Solidity sources with the pinned solcjs (standard-JSON interface) and write one
// byte-stable artifact per contract.
//
//   node contracts/compile.js                      compile contracts/src/**/*.sol into contracts/artifacts/
//   node contracts/compile.js --out DIR            write the artifacts into DIR instead
//   node contracts/compile.js --check              compile and compare with contracts/artifacts/ (exit 1 on drift)
//   node contracts/compile.js tests/contracts ...  also compile every .sol under the given folder(s)
//
// Artifact: <out>/<ContractName>.json =
//   {abi, bytecode, compiler: {evmVersion, optimizer: {enabled, runs}, version}, contractName,
//    deployedBytecode, sourcePath, sourceSha256}
// with keys sorted recursively (the ABI's own order is kept), two-space indent and a trailing newline.
// bytecode and deployedBytecode are 0x-prefixed hex. sourceSha256 is the SHA-256 of the bytes of the
// contract's own source file; sourcePath is that file's path relative to the repository root.
//
// Exit codes: 0 done; 1 a compile error or (--check) an artifact that differs, is missing or is stale;
// 2 bad arguments or a missing dependency (run `npm ci --prefix contracts`).
'use strict';

const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const CONTRACTS_DIR = __dirname;
const REPO_ROOT = path.resolve(CONTRACTS_DIR, '..');
const NODE_MODULES = path.join(CONTRACTS_DIR, 'node_modules');
const DEFAULT_OUT = path.join(CONTRACTS_DIR, 'artifacts');
const EVM_VERSION = 'cancun'; // py-evm (eth-tester) cannot run osaka, the solc 0.8.37 default
const OPTIMIZER = { enabled: true, runs: 200 };

function usage(message) {
  if (message) process.stderr.write(`compile.js: ${message}\n`);
  process.stderr.write('usage: node contracts/compile.js [--out DIR] [--check] [EXTRA_SOURCE_DIR ...]\n');
  process.exit(2);
}

function parseArgs(argv) {
  const args = { out: DEFAULT_OUT, check: false, extraDirs: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--check') args.check = true;
    else if (a === '--out') {
      if (i + 1 >= argv.length) usage('--out needs a directory');
      args.out = path.resolve(argv[++i]);
    } else if (a.startsWith('--out=')) args.out = path.resolve(a.slice('--out='.length));
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else args.extraDirs.push(path.resolve(a));
  }
  return args;
}

function listSol(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((x, y) => (x.name < y.name ? -1 : 1))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') walk(p);
      } else if (entry.isFile() && entry.name.endsWith('.sol')) found.push(p);
    }
  };
  walk(dir);
  return found;
}

// Source unit names are POSIX paths relative to the repository root, so the metadata and the
// bytecode do not depend on where the repository is checked out.
function unitName(absPath) {
  return path.relative(REPO_ROOT, absPath).split(path.sep).join('/');
}

function findImports(importPath) {
  const candidates = [path.join(NODE_MODULES, importPath), path.join(REPO_ROOT, importPath)];
  for (const c of candidates) {
    if (fs.existsSync(c) && fs.statSync(c).isFile()) return { contents: fs.readFileSync(c, 'utf8') };
  }
  return { error: `File not found: ${importPath} (looked in contracts/node_modules and the repository root)` };
}

// Recursively sort object keys; arrays keep their order (ABI order is solc's and deterministic).
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out = {};
    for (const k of Object.keys(value).sort()) out[k] = sortKeys(value[k]);
    return out;
  }
  return value;
}

function parseSolcOutput(raw) {
  // solcjs may print ">>> Cannot retry compilation with SMT ..." into its output stream; drop such lines.
  const cleaned = raw
    .split('\n')
    .filter((line) => !line.startsWith('>>> Cannot retry compilation with SMT'))
    .join('\n');
  return JSON.parse(cleaned);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  let solc;
  try {
    solc = require(path.join(NODE_MODULES, 'solc'));
  } catch (e) {
    process.stderr.write('compile.js: solc is not installed; run `npm ci --prefix contracts`\n');
    process.exit(2);
  }

  const dirs = [path.join(CONTRACTS_DIR, 'src'), ...args.extraDirs];
  const files = [];
  for (const d of dirs) {
    if (!fs.existsSync(d) || !fs.statSync(d).isDirectory()) usage(`not a directory: ${d}`);
    files.push(...listSol(d));
  }
  if (files.length === 0) usage('no .sol files found');

  const sources = {};
  const fileBytes = {};
  for (const f of files) {
    const name = unitName(f);
    const bytes = fs.readFileSync(f);
    fileBytes[name] = bytes;
    sources[name] = { content: bytes.toString('utf8') };
  }

  const input = {
    language: 'Solidity',
    sources,
    settings: {
      evmVersion: EVM_VERSION,
      optimizer: OPTIMIZER,
      metadata: { bytecodeHash: 'none' },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };

  const output = parseSolcOutput(solc.compile(JSON.stringify(input), { import: findImports }));
  const diagnostics = output.errors || [];
  const errors = diagnostics.filter((d) => d.severity === 'error');
  // Warnings about our own sources are shown; those about dependencies (OpenZeppelin) are only counted.
  let dependencyWarnings = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') continue;
    const file = d.sourceLocation && d.sourceLocation.file;
    if (file && !(file in sources)) dependencyWarnings++;
    else process.stderr.write(`${d.formattedMessage || d.message}\n`);
  }
  if (dependencyWarnings > 0) process.stderr.write(`compile.js: ${dependencyWarnings} warning(s) in dependencies not shown\n`);
  if (errors.length > 0) {
    for (const d of errors) process.stderr.write(`${d.formattedMessage || d.message}\n`);
    process.stderr.write(`compile.js: ${errors.length} compile error(s)\n`);
    process.exit(1);
  }

  const version = solc.version();
  const artifacts = {};
  for (const name of Object.keys(sources).sort()) {
    const unit = (output.contracts || {})[name] || {};
    for (const contractName of Object.keys(unit).sort()) {
      const c = unit[contractName];
      const bytecode = c.evm.bytecode.object;
      if (!bytecode) continue; // interfaces and abstract contracts have nothing to deploy
      if (artifacts[contractName]) {
        process.stderr.write(`compile.js: contract name ${contractName} defined twice (${artifacts[contractName].sourcePath}, ${name})\n`);
        process.exit(1);
      }
      artifacts[contractName] = {
        contractName,
        abi: c.abi,
        bytecode: `0x${bytecode}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
        compiler: { version, evmVersion: EVM_VERSION, optimizer: OPTIMIZER },
        sourcePath: name,
        sourceSha256: crypto.createHash('sha256').update(fileBytes[name]).digest('hex'),
      };
    }
  }

  const rendered = {};
  for (const n of Object.keys(artifacts).sort()) rendered[`${n}.json`] = `${JSON.stringify(sortKeys(artifacts[n]), null, 2)}\n`;

  if (args.check) {
    const problems = [];
    for (const [file, text] of Object.entries(rendered)) {
      const p = path.join(args.out, file);
      if (!fs.existsSync(p)) problems.push(`missing: ${p}`);
      else if (fs.readFileSync(p, 'utf8') !== text) problems.push(`differs: ${p}`);
    }
    if (args.extraDirs.length === 0 && fs.existsSync(args.out)) {
      for (const file of fs.readdirSync(args.out).sort()) {
        if (file.endsWith('.json') && !(file in rendered)) problems.push(`stale (no such contract in the sources): ${path.join(args.out, file)}`);
      }
    }
    if (problems.length > 0) {
      for (const p of problems) process.stderr.write(`compile.js --check: ${p}\n`);
      process.stderr.write('compile.js --check: artifacts are out of date; run `node contracts/compile.js` and commit contracts/artifacts/\n');
      process.exit(1);
    }
    process.stdout.write(`compile.js --check: ${Object.keys(rendered).length} artifact(s) up to date (solc ${version})\n`);
    return;
  }

  fs.mkdirSync(args.out, { recursive: true });
  for (const [file, text] of Object.entries(rendered)) {
    fs.writeFileSync(path.join(args.out, file), text);
    process.stdout.write(`${path.join(args.out, file)}\n`);
  }
}

main();
