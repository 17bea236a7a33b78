#!/usr/bin/env node
// microcred interop harness: Bitstring Status List with @digitalbazaar/vc-bitstring-status-list.
//   node statuslist.mjs create --id URL [--key KEY.json] [--vm VM_ID] [--purpose revocation]
//        [--length 131072] [--set 3,17] [--created ISO] [--valid-from ISO] [--unsigned]
//        [--out FILE]
//   node statuslist.mjs decode LIST_CREDENTIAL.json [--index N]
//     -> {"length": bits, "statusPurpose": ..., "setBits": [...], "index"?, "bitSet"?}
import fs from 'node:fs';
import {createCredential, createList, decodeList} from
  '@digitalbazaar/vc-bitstring-status-list';
import {documentLoaderFor, loadKeyPair, runMain, signDi, UsageError, writeOutput}
  from './common.mjs';

const USAGE = 'node statuslist.mjs create --id URL [--key KEY.json] [--set 3,17] ' +
  '[--purpose P] [--length N] [--unsigned] [--out F] | decode LIST.json [--index N]';

const integer = (text, what) => {
  if(!/^[0-9]+$/.test(String(text))) {
    throw new UsageError(`${what} must be a non-negative integer, got ${text}`);
  }
  return Number.parseInt(text, 10);
};

async function create(options) {
  if(!options.id || (!options.unsigned && !options.key)) {
    throw new UsageError('create needs --id URL and --key KEY.json (or --unsigned)');
  }
  const list = await createList({length: integer(options.length || '131072', '--length')});
  const bits = options.set && options.set !== true ? String(options.set).split(',') : [];
  for(const bit of bits) {
    list.setStatus(integer(bit, '--set'), true);
  }
  const credential = await createCredential({
    id: options.id, list, statusPurpose: options.purpose || 'revocation'
  });
  if(options.unsigned) {
    writeOutput(JSON.stringify(credential, null, 2), options.out);
    return;
  }
  const keyPair = await loadKeyPair(options.key, {vm: options.vm});
  credential.issuer = keyPair.controller;
  credential.validFrom = options['valid-from'] ||
    new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const signed = await signDi(credential, {
    keyPair, documentLoader: documentLoaderFor(options), created: options.created
  });
  writeOutput(JSON.stringify(signed, null, 2), options.out);
}

async function decode(options) {
  const [, file] = options.args;
  if(!file) {
    throw new UsageError('decode needs LIST_CREDENTIAL.json');
  }
  const {credentialSubject: subject} = JSON.parse(fs.readFileSync(file, 'utf8'));
  const list = await decodeList({encodedList: subject.encodedList});
  const setBits = [];
  for(let i = 0; i < list.length; i++) {
    if(list.getStatus(i)) {
      setBits.push(i);
    }
  }
  const out = {length: list.length, statusPurpose: subject.statusPurpose, setBits};
  if(options.index !== undefined) {
    out.index = integer(options.index, '--index');
    out.bitSet = list.getStatus(out.index);
  }
  writeOutput(JSON.stringify(out));
}

await runMain(USAGE, async options => {
  const commands = {create, decode};
  const command = commands[options.args[0]];
  if(!command) {
    throw new UsageError('the first argument must be "create" or "decode"');
  }
  await command(options);
});
