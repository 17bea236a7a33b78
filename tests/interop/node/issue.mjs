#!/usr/bin/env node
// microcred interop harness: ISSUE (sign) with the reference JavaScript stack, offline.
//   node issue.mjs UNSIGNED.json --key KEY.json [--vm VM_ID] [--created ISO] [--proof-only]
//        [--format di|vc-jwt|ob3-jwt] [--out FILE] [--did-doc FILE ...] [--doc URL=FILE ...]
// di: eddsa-rdfc-2022 Data Integrity proof (vc.issue; --proof-only: jsonld-signatures only).
// vc-jwt: VC-JOSE-COSE, payload = the credential, typ "vc+jwt".
// ob3-jwt: OB 3.0 / VC 1.1 JWT, payload {iss, jti, sub, nbf, exp, vc}, typ "JWT".
import fs from 'node:fs';
import {SignJWT, importJWK} from 'jose';
import {documentLoaderFor, loadKeyPair, runMain, signDi, UsageError, writeOutput}
  from './common.mjs';

const USAGE = 'node issue.mjs UNSIGNED.json --key KEY.json [--vm ID] [--created ISO] ' +
  '[--proof-only] [--format di|vc-jwt|ob3-jwt] [--out FILE] [--doc URL=FILE] [--did-doc FILE]';

const epoch = iso => (iso ? Math.floor(Date.parse(iso) / 1000) : undefined);

function jwtPayload(credential, format) {
  if(format === 'vc-jwt') {
    return {payload: credential, typ: 'vc+jwt'};
  }
  const issuer = typeof credential.issuer === 'object' ?
    credential.issuer.id : credential.issuer;
  const subject = [].concat(credential.credentialSubject || [])[0] || {};
  const claims = {
    iss: issuer, jti: credential.id, sub: subject.id,
    nbf: epoch(credential.validFrom || credential.issuanceDate),
    exp: epoch(credential.validUntil || credential.expirationDate),
    vc: credential
  };
  const payload = Object.fromEntries(
    Object.entries(claims).filter(([, value]) => value !== undefined));
  return {payload, typ: 'JWT'};
}

async function signJwt(credential, keyPair, format) {
  // the multikey secret is seed || public key; a JWK "d" is the 32-byte seed
  const key = await importJWK({
    kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA',
    x: Buffer.from(keyPair.publicKey).toString('base64url'),
    d: Buffer.from(keyPair.secretKey.subarray(0, 32)).toString('base64url')
  }, 'EdDSA');
  const {payload, typ} = jwtPayload(credential, format);
  return new SignJWT(payload).setProtectedHeader({alg: 'EdDSA', typ, kid: keyPair.id}).sign(key);
}

await runMain(USAGE, async options => {
  const [file] = options.args;
  if(!file || !options.key) {
    throw new UsageError('UNSIGNED.json and --key are required');
  }
  const format = options.format || 'di';
  if(!['di', 'vc-jwt', 'ob3-jwt'].includes(format)) {
    throw new UsageError(`unknown --format ${format}`);
  }
  const credential = JSON.parse(fs.readFileSync(file, 'utf8'));
  const keyPair = await loadKeyPair(options.key, {vm: options.vm});
  if(format === 'di') {
    const signed = await signDi(credential, {
      keyPair, documentLoader: documentLoaderFor(options), created: options.created,
      proofOnly: Boolean(options['proof-only'])
    });
    writeOutput(JSON.stringify(signed, null, 2), options.out);
  } else {
    writeOutput(await signJwt(credential, keyPair, format), options.out);
  }
});
