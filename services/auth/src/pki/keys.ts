import { createPrivateKey, createPublicKey, type KeyObject, webcrypto } from 'node:crypto'

export type SigningHash = 'SHA-256' | 'SHA-384'
export type SigningKey = { key: webcrypto.CryptoKey; hash: SigningHash; publicKey: KeyObject }

const CURVES: Record<string, { namedCurve: string; hash: SigningHash }> = {
  prime256v1: { namedCurve: 'P-256', hash: 'SHA-256' },
  secp384r1: { namedCurve: 'P-384', hash: 'SHA-384' },
}

/** A PEM private key (PKCS#8, SEC1 or PKCS#1) as a WebCrypto signing key. EC P-256/P-384 or RSA. */
export async function importSigningKey(pem: string): Promise<SigningKey> {
  const key = createPrivateKey(pem)
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' })
  const publicKey = createPublicKey(key)
  if (key.asymmetricKeyType === 'ec') {
    const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? '']
    if (!curve) throw new Error(`unsupported EC curve ${key.asymmetricKeyDetails?.namedCurve}`)
    const imported = await webcrypto.subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'ECDSA', namedCurve: curve.namedCurve },
      false,
      ['sign'],
    )
    return { key: imported, hash: curve.hash, publicKey }
  }
  if (key.asymmetricKeyType === 'rsa') {
    const imported = await webcrypto.subtle.importKey(
      'pkcs8',
      pkcs8,
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    return { key: imported, hash: 'SHA-256', publicKey }
  }
  throw new Error(`unsupported key type ${key.asymmetricKeyType}`)
}

/** Whether a public key (SPKI DER) is strong enough to certify: EC P-256/P-384, RSA ≥ 2048 bits. */
export function isAcceptableKey(spki: Uint8Array): boolean {
  try {
    const k = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' })
    if (k.asymmetricKeyType === 'ec') return CURVES[k.asymmetricKeyDetails?.namedCurve ?? ''] !== undefined
    if (k.asymmetricKeyType === 'rsa') return (k.asymmetricKeyDetails?.modulusLength ?? 0) >= 2048
    return false
  } catch {
    return false
  }
}
