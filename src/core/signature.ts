import { createPrivateKey, createPublicKey, type KeyObject, sign } from 'node:crypto';
import { ConfigError } from './errors.js';

/** Reads an Ed25519 private key in PEM; `where` names it in the error, which never quotes the key. */
function privateKey(pem: string, where: string): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    throw new ConfigError([`${where}: not a PEM private key (make one with \`openssl genpkey -algorithm ed25519 -out signing.pem\`)`]);
  }
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new ConfigError([`${where}: must be an Ed25519 key, not ${key.asymmetricKeyType ?? 'a symmetric key'}`]);
  }
  return key;
}

/**
 * The Ed25519 signature (base64) of `bytes` exactly: what `<out>.sig` holds beside a signed report.
 * `openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in FILE -sigfile SIG` checks it once the
 * base64 is decoded (`base64 -d`).
 */
export const signBytes = (pem: string, bytes: Uint8Array, where: string): string =>
  sign(null, bytes, privateKey(pem, where)).toString('base64');

/** The public key of an Ed25519 private key, as PEM (SubjectPublicKeyInfo): what `evidence public-key` prints. */
export const publicKeyPem = (pem: string, where: string): string =>
  createPublicKey(privateKey(pem, where)).export({ type: 'spki', format: 'pem' }).toString();
