/**
 * Reads a subject DN as TLS-terminating proxies forward it: RFC 4514/2253 ("CN=a,O=b", what
 * nginx's $ssl_client_s_dn and Envoy give) or OpenSSL's legacy one-line form ("/O=b/CN=a").
 * Escapes are honoured, "\," and "\2C" alike, so a value holding ",CN=…" cannot forge a second
 * attribute. Every attribute keeps all its values: callers refuse a DN with two CNs.
 */
export function parseDn(dn: string): Map<string, string[]> {
  return dn.startsWith('/') ? parseLegacy(dn) : parseRfc4514(dn)
}

function add(out: Map<string, string[]>, key: string, value: string): void {
  const name = key.trim().toUpperCase()
  if (name === '') return
  const list = out.get(name)
  if (list) list.push(value)
  else out.set(name, [value])
}

function parseLegacy(dn: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const part of dn.slice(1).split('/')) {
    const eq = part.indexOf('=')
    if (eq > 0) add(out, part.slice(0, eq), part.slice(eq + 1))
  }
  return out
}

const HEX_PAIR = /^[0-9A-Fa-f]{2}$/

function parseRfc4514(dn: string): Map<string, string[]> {
  const out = new Map<string, string[]>()
  let key = ''
  let bytes: number[] = []
  let inValue = false
  const flush = () => {
    if (inValue) add(out, key, Buffer.from(bytes).toString('utf8').trim())
    key = ''
    bytes = []
    inValue = false
  }
  for (let i = 0; i < dn.length; i++) {
    const ch = dn[i] as string
    if (!inValue) {
      if (ch === '=') inValue = true
      else if (ch === ',' || ch === '+') key = ''
      else key += ch
      continue
    }
    if (ch === '\\') {
      const pair = dn.slice(i + 1, i + 3)
      if (HEX_PAIR.test(pair)) {
        bytes.push(Number.parseInt(pair, 16))
        i += 2
      } else if (i + 1 < dn.length) {
        for (const b of Buffer.from(dn[i + 1] as string, 'utf8')) bytes.push(b)
        i += 1
      }
      continue
    }
    if (ch === ',' || ch === '+') {
      flush()
      continue
    }
    for (const b of Buffer.from(ch, 'utf8')) bytes.push(b)
  }
  flush()
  return out
}

/** The single value of an attribute, or undefined when it is missing or repeated. */
export function single(dn: Map<string, string[]>, attribute: string): string | undefined {
  const values = dn.get(attribute.toUpperCase())
  return values?.length === 1 ? values[0] : undefined
}
