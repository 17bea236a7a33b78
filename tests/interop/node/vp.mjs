#!/usr/bin/env node
// microcred interop harness: VERIFY A PRESENTATION with the reference JavaScript stack, offline.
//   node vp.mjs PRESENTATION.json --challenge C [--domain D] [--now ISO]
// @digitalbazaar/vc verify(): the holder's eddsa-rdfc-2022 proof (purpose authentication, with
// the challenge and domain) and every embedded credential's proof.
// Prints one JSON verdict; exit 0 verified, 1 not verified, 2 usage or internal error.
import fs from 'node:fs';
import {documentLoaderFor, runMain, UsageError, vc, verifyingSuite} from './common.mjs';

await runMain('node vp.mjs PRESENTATION --challenge C [--domain D] [--now ISO]', async options => {
  const [file] = options.args;
  if(!file || !options.challenge) {
    throw new UsageError('a presentation file and --challenge are required');
  }
  const documentLoader = documentLoaderFor({...options, seen: []});
  const presentation = JSON.parse(fs.readFileSync(file, 'utf8'));
  const result = await vc.verify({
    presentation, challenge: options.challenge, domain: options.domain,
    suite: verifyingSuite(), documentLoader,
    now: options.now ? new Date(options.now) : undefined,
    checkStatus: async () => ({verified: true, skipped: true})
  });
  const verdict = {
    verified: Boolean(result.verified),
    presentationVerified: Boolean(result.presentationResult && result.presentationResult.verified),
    credentials: (result.credentialResults || []).map(r => Boolean(r.verified)),
    error: result.error ? String(result.error.message || result.error) : undefined
  };
  process.stdout.write(JSON.stringify(verdict, null, 2) + '\n');
  process.exitCode = verdict.verified ? 0 : 1;
});
