const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g

/** The DER contents of every PEM block with this label, in order. */
export function pemBlocks(text: string, label: string): Buffer[] {
  const out: Buffer[] = []
  for (const m of text.matchAll(BLOCK)) {
    if (m[1] === label) out.push(Buffer.from((m[2] ?? '').replace(/\s+/g, ''), 'base64'))
  }
  return out
}

/**
 * One DER object given as PEM with this label, or as bare base64 (some stations send a CSR
 * without the armour). Undefined when it is neither.
 */
export function derOf(text: string, label: string): Buffer | undefined {
  const [first] = pemBlocks(text, label)
  if (first) return first
  const bare = text.replace(/\s+/g, '')
  return /^[A-Za-z0-9+/]+={0,2}$/.test(bare) && bare.length > 16 ? Buffer.from(bare, 'base64') : undefined
}

export function toPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const b64 = Buffer.from(der instanceof ArrayBuffer ? new Uint8Array(der) : der).toString('base64')
  return `-----BEGIN ${label}-----\n${(b64.match(/.{1,64}/g) ?? []).join('\n')}\n-----END ${label}-----\n`
}

/** ArrayBuffer of exactly these bytes, for WebCrypto and PKI.js. */
export function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}
