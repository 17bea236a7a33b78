#!/usr/bin/env node
// Side-by-side benchmark: sign and verify credentials with the reference JavaScript stack
// (@digitalbazaar/vc + eddsa-rdfc-2022-cryptosuite), one process, fully offline.
//
//   node bench/js/bench.mjs --key KEY.json [--n 200] [--created ISO] [--proof-only]
//        [--peer-dir DIR] [--doc URL=FILE ...] UNSIGNED.json [MORE.json ...]
//
// Each input file is one unsigned credential or a JSON array of them; --n operations of each
// kind are timed, cycling through the credentials (after one untimed warm-up round).
// Prints {"sign_per_s", "verify_per_s", "n", "credentials", "verified", "mode", "node"}.
// Exit 0 when every signature verified, 1 otherwise, 2 on usage errors.
//
// The npm packages are those of the interop harness (tests/interop/node/package-lock.json),
// installed by `python tests/interop/peer.py install` (or any interop test run) into
// .cache/interop-node/<hash>/; that directory is found automatically, or give --peer-dir DIR
// (or MICROCRED_JS_PEER_DIR). The harness's common.mjs is imported from DIR/harness/, so
// package resolution happens there and this file needs no node_modules of its own.
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath, pathToFileURL} from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

function usage(message) {
  console.error(`${message}\nusage: node bench/js/bench.mjs --key KEY.json [--n N] ` +
    '[--created ISO] [--proof-only] [--peer-dir DIR] [--doc URL=FILE] UNSIGNED.json ...');
  process.exit(2);
}

function findPeerDir(explicit) {
  const chosen = explicit || process.env.MICROCRED_JS_PEER_DIR;
  if(chosen) {
    return chosen;
  }
  const cache = path.resolve(HERE, '..', '..', '.cache', 'interop-node');
  const installed = (fs.existsSync(cache) ? fs.readdirSync(cache) : [])
    .map(name => path.join(cache, name))
    .filter(dir => fs.existsSync(path.join(dir, '.installed')) &&
      fs.existsSync(path.join(dir, 'harness', 'common.mjs')))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);
  if(!installed.length) {
    usage(`no installed harness under ${cache}: run "python tests/interop/peer.py install"`);
  }
  return installed[0];
}

const elapsedSeconds = start => Number(process.hrtime.bigint() - start) / 1e9;

async function main() {
  const preliminary = process.argv.slice(2);
  const at = preliminary.indexOf('--peer-dir');
  const peerDir = findPeerDir(at >= 0 ? preliminary[at + 1] : undefined);
  const common = await import(pathToFileURL(path.join(peerDir, 'harness', 'common.mjs')).href);
  let options;
  try {
    options = common.parseCommandLine(preliminary);
  } catch(e) {
    usage(e.message);
  }
  if(!options.key || !options.args.length) {
    usage('--key and at least one UNSIGNED.json are required');
  }
  const n = Number.parseInt(options.n || '200', 10);
  if(!(n > 0)) {
    usage('--n must be a positive integer');
  }
  const credentials = options.args.flatMap(
    file => [].concat(JSON.parse(fs.readFileSync(file, 'utf8'))));
  const documentLoader = common.documentLoaderFor(options);
  const keyPair = await common.loadKeyPair(options.key, {vm: options.vm});
  const proofOnly = Boolean(options['proof-only']);
  const sign = credential => common.signDi(credential, {
    keyPair, documentLoader, created: options.created, proofOnly
  });
  const suite = common.verifyingSuite();
  const verify = async credential => {
    if(proofOnly) {
      return common.jsigs.verify(credential, {
        suite, documentLoader, purpose: new common.jsigs.purposes.AssertionProofPurpose()
      });
    }
    return common.vc.verifyCredential({
      credential, suite, documentLoader,
      // status lists are not part of this benchmark
      checkStatus: async () => ({verified: true, skipped: true})
    });
  };

  // warm-up: contexts parsed and cached, JIT warm; not timed
  for(const credential of credentials) {
    await verify(await sign(credential));
  }

  const signed = new Array(n);
  let start = process.hrtime.bigint();
  for(let i = 0; i < n; i++) {
    signed[i] = await sign(credentials[i % credentials.length]);
  }
  const signSeconds = elapsedSeconds(start);

  let verified = 0;
  let firstFailure;
  start = process.hrtime.bigint();
  for(let i = 0; i < n; i++) {
    const result = await verify(signed[i]);
    if(result.verified) {
      verified++;
    } else if(!firstFailure) {
      firstFailure = {index: i % credentials.length, error: String(result.error)};
    }
  }
  const verifySeconds = elapsedSeconds(start);

  const round = x => Math.round(x * 10) / 10;
  process.stdout.write(JSON.stringify({
    sign_per_s: round(n / signSeconds),
    verify_per_s: round(n / verifySeconds),
    n,
    credentials: credentials.length,
    verified,
    mode: proofOnly ? 'jsonld-signatures (proof only)' : '@digitalbazaar/vc issue/verifyCredential',
    node: process.version
  }) + '\n');
  if(firstFailure) {
    console.error(`not verified: credential #${firstFailure.index}: ${firstFailure.error}`);
  }
  process.exitCode = verified === n ? 0 : 1;
}

await main();
