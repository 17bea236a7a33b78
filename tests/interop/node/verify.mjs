#!/usr/bin/env node
// microcred interop harness: VERIFY with the reference JavaScript stack, offline.
//   node verify.mjs CREDENTIAL.(json|jwt) [--proof-only] [--now ISO] [--no-status]
//        [--did-doc FILE ...] [--doc URL=FILE ...] [--jwk PUBLIC_JWK.json]
// CREDENTIAL: JSON with an eddsa-rdfc-2022 Data Integrity proof, a compact JWS (VC-JOSE-COSE
// "vc+jwt", or an OB 3.0 / VC 1.1 JWT with a "vc" claim), or an EnvelopedVerifiableCredential
// holding "data:application/vc+jwt,<jws>".
// Full mode: VC data model, proof, issuer == controller of the verification method, and every
// BitstringStatusListEntry (its list comes from --doc URL=FILE; the list's own proof is checked).
// Prints one JSON verdict; exit 0 verified, 1 not verified, 2 usage or internal error.
import fs from 'node:fs';
import {documentLoaderFor, runMain, UsageError} from './common.mjs';
import {PEER, verifyInput} from './verifying.mjs';

const USAGE = 'node verify.mjs CREDENTIAL [--proof-only] [--now ISO] [--no-status] ' +
  '[--did-doc FILE] [--doc URL=FILE] [--jwk FILE]';

await runMain(USAGE, async options => {
  const [file] = options.args;
  if(!file) {
    throw new UsageError('no credential given');
  }
  const seen = [];
  const documentLoader = documentLoaderFor({...options, seen});
  const text = fs.readFileSync(file, 'utf8').trim();
  const verdict = await verifyInput(text, options, documentLoader);
  verdict.documentsLoaded = [...new Set(seen)];
  verdict.peer = PEER;
  process.stdout.write(JSON.stringify(verdict, null, 2) + '\n');
  process.exitCode = verdict.verified ? 0 : 1;
});
