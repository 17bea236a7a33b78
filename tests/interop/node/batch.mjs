#!/usr/bin/env node
// microcred interop harness: many credentials in ONE Node process (each launch costs ~0.5 s).
//   node batch.mjs verify ITEMS.json [--proof-only] [--now ISO] [--no-status]
//        [--did-doc FILE ...] [--doc URL=FILE ...] [--jwk PUBLIC_JWK.json]
//     ITEMS.json: a JSON array of credentials (objects) and/or compact JWS strings
//     -> a JSON array of verdicts, one per item, exactly as verify.mjs prints them
//   node batch.mjs issue ITEMS.json --key KEY.json [--vm VM_ID] [--created ISO] [--proof-only]
//        [--did-doc FILE ...] [--doc URL=FILE ...]
//     ITEMS.json: a JSON array of unsigned credentials
//     -> a JSON array, one per item: {"signed": document} (eddsa-rdfc-2022, as issue.mjs
//        --format di) or {"error": message}
// Exit 0 when every item was processed (whatever the verdicts), 2 on usage or internal error.
import fs from 'node:fs';
import {documentLoaderFor, loadKeyPair, runMain, signDi, UsageError, writeOutput}
  from './common.mjs';
import {PEER, verifyInput} from './verifying.mjs';

const USAGE = 'node batch.mjs verify ITEMS.json [verify.mjs options] | ' +
  'issue ITEMS.json --key KEY.json [issue.mjs --format di options]';

async function verifyAll(items, options) {
  const verdicts = [];
  for(const item of items) {
    const seen = [];
    const documentLoader = documentLoaderFor({...options, seen});
    const text = typeof item === 'string' ? item.trim() : JSON.stringify(item);
    const verdict = await verifyInput(text, options, documentLoader);
    verdict.documentsLoaded = [...new Set(seen)];
    verdict.peer = PEER;
    verdicts.push(verdict);
  }
  return verdicts;
}

async function issueAll(items, options) {
  if(!options.key) {
    throw new UsageError('issue needs --key KEY.json');
  }
  const keyPair = await loadKeyPair(options.key, {vm: options.vm});
  const documentLoader = documentLoaderFor(options);
  const results = [];
  for(const item of items) {
    try {
      results.push({
        signed: await signDi(item, {
          keyPair, documentLoader, created: options.created,
          proofOnly: Boolean(options['proof-only'])
        })
      });
    } catch(e) {
      results.push({error: e && e.message || String(e)});
    }
  }
  return results;
}

await runMain(USAGE, async options => {
  const [command, file] = options.args;
  const commands = {verify: verifyAll, issue: issueAll};
  if(!commands[command] || !file) {
    throw new UsageError('give "verify" or "issue" and ITEMS.json');
  }
  const items = JSON.parse(fs.readFileSync(file, 'utf8'));
  if(!Array.isArray(items)) {
    throw new UsageError('ITEMS.json must hold a JSON array');
  }
  writeOutput(JSON.stringify(await commands[command](items, options)));
});
