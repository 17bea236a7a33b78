#!/usr/bin/env node
// microcred interop harness: UNBAKE a PNG with plain Node Buffer code, then VERIFY the credential
// with the reference JavaScript stack, offline (OB 3.0 §5.3 Baking).
//   node unbake.mjs BAKED.png [--proof-only] [--now ISO] [--no-status]
//        [--did-doc FILE ...] [--doc URL=FILE ...] [--jwk PUBLIC_JWK.json]
// Reads the first iTXt chunk with keyword "openbadgecredential" (compression flag 0, empty
// language tag and translated keyword), checks every chunk's CRC-32, and verifies its text
// (credential JSON or compact JWS) like verify.mjs. Prints one JSON verdict with an "unbaked"
// member; exit 0 verified, 1 not verified, 2 usage or internal error (not a baked PNG).
import fs from 'node:fs';
import {documentLoaderFor, runMain, UsageError} from './common.mjs';
import {PEER, verifyInput} from './verifying.mjs';

const USAGE = 'node unbake.mjs BAKED.png [--proof-only] [--now ISO] [--no-status] ' +
  '[--did-doc FILE] [--doc URL=FILE] [--jwk FILE]';
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const KEYWORD = 'openbadgecredential';

const CRC_TABLE = Array.from({length: 256}, (_, n) => {
  let c = n;
  for(let k = 0; k < 8; k++) {
    c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for(const byte of bytes) {
    c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

function unbake(png) {
  if(!png.subarray(0, 8).equals(SIGNATURE)) {
    throw new UsageError('not a PNG file');
  }
  const chunks = [];
  let offset = 8;
  while(offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    if(crc32(png.subarray(offset + 4, offset + 8 + length)) !== crc) {
      throw new UsageError(`CRC mismatch in chunk ${type}`);
    }
    chunks.push(type);
    offset += 12 + length;
    if(type !== 'iTXt') {
      continue;
    }
    const end = data.indexOf(0);
    if(data.toString('latin1', 0, end) !== KEYWORD) {
      continue;
    }
    const compressed = data[end + 1];
    const language = data.indexOf(0, end + 3);
    const translated = data.indexOf(0, language + 1);
    return {
      keyword: KEYWORD, compressed: compressed !== 0, position: chunks.length - 1,
      languageTag: data.toString('latin1', end + 3, language),
      translatedKeyword: data.toString('utf8', language + 1, translated),
      text: data.toString('utf8', translated + 1)
    };
  }
  throw new UsageError(`no iTXt chunk with keyword ${KEYWORD} (chunks: ${chunks.join(' ')})`);
}

await runMain(USAGE, async options => {
  const [file] = options.args;
  if(!file) {
    throw new UsageError('no PNG given');
  }
  const found = unbake(fs.readFileSync(file));
  const seen = [];
  const documentLoader = documentLoaderFor({...options, seen});
  const verdict = found.compressed ?
    {verified: false, errors: ['the iTXt chunk is compressed (OB 3.0 forbids it)']} :
    await verifyInput(found.text, options, documentLoader);
  verdict.unbaked = {...found, text: undefined, length: found.text.length};
  verdict.documentsLoaded = [...new Set(seen)];
  verdict.peer = PEER;
  process.stdout.write(JSON.stringify(verdict, null, 2) + '\n');
  process.exitCode = verdict.verified ? 0 : 1;
});
