import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

/**
 * Restate request identity: restate-server signs every request to the services
 * endpoint with this installation's ed25519 private key, and the endpoint only
 * accepts requests signed by it. Without this, any local process could call the
 * handlers directly on the endpoint's loopback port.
 */
export interface RequestIdentity {
  privateKeyFile: string;
  /** `publickeyv1_<base58 of the raw 32-byte key>`, the format the SDK expects. */
  publicKey: string;
}

/** Loads the key pair kept in the data dir, creating it (mode 0600) on first use. */
export function loadOrCreateRequestIdentity(privateKeyFile: string): RequestIdentity {
  if (!existsSync(privateKeyFile)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(privateKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), {
      mode: 0o600,
    });
    chmodSync(privateKeyFile, 0o600);
  }
  const privateKey = createPrivateKey(readFileSync(privateKeyFile));
  if (privateKey.asymmetricKeyType !== 'ed25519') {
    throw new Error(
      `${privateKeyFile}: expected an ed25519 private key, found ${privateKey.asymmetricKeyType}`,
    );
  }
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  if (!jwk.x) throw new Error(`${privateKeyFile}: could not derive the public key`);
  return {
    privateKeyFile,
    publicKey: 'publickeyv1_' + encodeBase58(Buffer.from(jwk.x, 'base64url')),
  };
}

const BASE58_ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

/** Bitcoin-alphabet base58, as used by Restate's key ids. */
export function encodeBase58(bytes: Uint8Array): string {
  let value = 0n;
  for (const byte of bytes) value = value * 256n + BigInt(byte);
  let encoded = '';
  while (value > 0n) {
    encoded = BASE58_ALPHABET[Number(value % 58n)] + encoded;
    value /= 58n;
  }
  for (const byte of bytes) {
    if (byte !== 0) break;
    encoded = '1' + encoded;
  }
  return encoded;
}
