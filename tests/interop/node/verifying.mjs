// microcred interop harness: the verification logic of verify.mjs and batch.mjs (reference
// JavaScript stack, offline). verifyInput() returns one JSON verdict for a credential given as
// text: JSON with an eddsa-rdfc-2022 Data Integrity proof, a compact JWS (VC-JOSE-COSE
// "vc+jwt", or an OB 3.0 / VC 1.1 JWT with a "vc" claim), or an EnvelopedVerifiableCredential
// holding "data:application/vc+jwt,<jws>".
// Full mode: VC data model, proof, issuer == controller of the verification method, and every
// BitstringStatusListEntry (its list comes from --doc URL=FILE; the list's own proof is checked).
import fs from 'node:fs';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import {compactVerify, decodeProtectedHeader, importJWK} from 'jose';
import {Ed25519Multikey, jsigs, vc, verifyingSuite} from './common.mjs';

export const PEER = 'microcred interop harness: @digitalbazaar/vc + eddsa-rdfc-2022 (offline)';

const JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const INVALIDATING = {revocation: 'revoked', suspension: 'suspended'};

// flatten an error, its .errors and its .cause chain into [{name, message}]
function describe(error) {
  const out = [];
  const seen = new Set();
  const visit = e => {
    if(!e || seen.has(e)) {
      return;
    }
    seen.add(e);
    if(Array.isArray(e)) {
      e.forEach(visit);
      return;
    }
    out.push({name: e.name || 'Error', message: e.message || String(e)});
    visit(e.errors);
    visit(e.cause);
  };
  visit(error);
  return out;
}

const issuerId = credential => {
  const issuer = credential && credential.issuer;
  return issuer && typeof issuer === 'object' ? issuer.id : issuer;
};

async function verifyDataIntegrity(credential, options, documentLoader) {
  const suite = verifyingSuite();
  const verdict = {
    format: 'data-integrity', verified: false,
    proofs: [].concat(credential.proof || []).map(p => ({
      type: p.type, cryptosuite: p.cryptosuite, verificationMethod: p.verificationMethod,
      created: p.created, proofPurpose: p.proofPurpose
    }))
  };
  let result;
  if(options['proof-only']) {
    result = await jsigs.verify(credential, {
      suite, documentLoader, purpose: new jsigs.purposes.AssertionProofPurpose()
    });
  } else {
    const statusWanted = credential.credentialStatus !== undefined && !options['no-status'];
    result = await vc.verifyCredential({
      credential, suite, documentLoader,
      now: options.now ? new Date(options.now) : undefined,
      checkStatus: statusWanted ?
        () => checkStatus({credential, documentLoader, suite}) :
        async () => ({verified: true, skipped: true})
    });
  }
  const proofResults = result.results || [];
  verdict.proofVerified = proofResults.length > 0 && proofResults.every(r => r.verified);
  verdict.verified = Boolean(result.verified);
  const errors = describe(result.error);
  for(const r of proofResults) {
    if(r.error && r.error !== result.error) {
      errors.push(...describe(r.error));
    }
  }
  const status = result.statusResult;
  if(status) {
    verdict.status = {
      verified: Boolean(status.verified), skipped: Boolean(status.skipped),
      results: (status.results || []).map(r => ({
        statusPurpose: r.credentialStatus && r.credentialStatus.statusPurpose,
        statusListIndex: r.credentialStatus && r.credentialStatus.statusListIndex,
        statusListCredential: r.credentialStatus && r.credentialStatus.statusListCredential,
        bitSet: r.status
      }))
    };
    if(status.error) {
      verdict.status.errors = describe(status.error);
    }
    for(const r of verdict.status.results) {
      const flag = INVALIDATING[r.statusPurpose];
      if(flag && r.bitSet === true) {
        verdict[flag] = true;
        verdict.verified = false;
      }
    }
  }
  if(errors.length) {
    verdict.errors = errors;
  }
  verdict.credential = {id: credential.id, type: credential.type, issuer: issuerId(credential)};
  return verdict;
}

async function publicJwk(header, payload, options, documentLoader) {
  if(options.jwk) {
    return JSON.parse(fs.readFileSync(options.jwk, 'utf8'));
  }
  if(header.jwk) {
    return header.jwk;
  }
  const iss = payload.iss || issuerId(payload.vc) || issuerId(payload);
  let kid = header.kid;
  if(!kid) {
    throw new Error('The JWT has neither "kid" nor "jwk" and no --jwk was given.');
  }
  if(!kid.includes(':') && iss) {
    kid = iss + (kid.startsWith('#') ? kid : `#${kid}`);
  }
  const {document} = await documentLoader(kid);
  const method = document.verificationMethod ?
    [].concat(document.verificationMethod)[0] : document;
  if(method.publicKeyJwk) {
    return method.publicKeyJwk;
  }
  const pair = await Ed25519Multikey.from(method);
  return Ed25519Multikey.toJwk({keyPair: pair});
}

async function verifyJwt(jws, options, documentLoader) {
  const header = decodeProtectedHeader(jws);
  const payload = JSON.parse(Buffer.from(jws.split('.')[1], 'base64url').toString('utf8'));
  const verdict = {format: 'jwt', header, verified: false, checks: {}};
  try {
    const jwk = await publicJwk(header, payload, options, documentLoader);
    await compactVerify(jws, await importJWK(jwk, header.alg));
    verdict.checks.signature = true;
  } catch(e) {
    verdict.checks.signature = false;
    verdict.errors = describe(e);
    return verdict;
  }
  const now = options.now ? new Date(options.now) : new Date();
  const seconds = now.getTime() / 1000;
  const credential = payload.vc || payload;
  verdict.credential = {id: credential.id, type: credential.type, issuer: issuerId(credential)};
  const problems = [];
  if(payload.vc) {
    // VC 1.1 JWT claims (OB 3.0 §8.2): registered claims must agree with the credential
    if(payload.iss && issuerId(credential) && payload.iss !== issuerId(credential)) {
      problems.push('"iss" differs from vc.issuer');
    }
    if(payload.jti && credential.id && payload.jti !== credential.id) {
      problems.push('"jti" differs from vc.id');
    }
    if(payload.exp !== undefined && seconds > payload.exp) {
      problems.push('the JWT has expired ("exp")');
    }
    if(payload.nbf !== undefined && seconds < payload.nbf) {
      problems.push('the JWT is not valid yet ("nbf")');
    }
  }
  try {
    vc._checkCredential({credential, now, mode: 'verify'});
    verdict.checks.dataModel = true;
  } catch(e) {
    verdict.checks.dataModel = false;
    problems.push(e.message);
  }
  verdict.verified = problems.length === 0;
  if(problems.length) {
    verdict.errors = problems.map(message => ({name: 'Error', message}));
  }
  return verdict;
}

// The verdict on one credential given as text (JSON or a compact JWS); never throws for a bad
// credential. The caller adds "documentsLoaded" (from its loader) and "peer".
export async function verifyInput(text, options, documentLoader) {
  let verdict;
  try {
    if(JWS.test(text)) {
      verdict = await verifyJwt(text, options, documentLoader);
    } else {
      const document = JSON.parse(text);
      const types = [].concat(document.type || []);
      if(types.includes('EnvelopedVerifiableCredential') &&
        typeof document.id === 'string' && document.id.startsWith('data:')) {
        const jws = document.id.slice(document.id.indexOf(',') + 1);
        verdict = {...await verifyJwt(jws, options, documentLoader), format: 'enveloped-jwt'};
      } else {
        verdict = await verifyDataIntegrity(document, options, documentLoader);
      }
    }
  } catch(e) {
    verdict = {verified: false, errors: describe(e)};
  }
  return verdict;
}
