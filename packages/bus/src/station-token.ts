// OCPP allows '.', '*' and other characters in a station identity that NATS reserves in
// subjects ('.', '*', '>', white space). This is the one reversible encoding of a station id
// into a single subject token: safe characters pass, every other byte becomes `~HH`.
const SAFE = /^[A-Za-z0-9_\-=:+|@]$/
const ALL_SAFE = /^[A-Za-z0-9_\-=:+|@]*$/

export function encodeStationId(stationId: string): string {
  // Most ids need no escaping; this runs for every subject of every frame.
  if (ALL_SAFE.test(stationId)) return stationId
  let out = ''
  for (const ch of stationId) {
    if (SAFE.test(ch)) {
      out += ch
      continue
    }
    for (const byte of Buffer.from(ch, 'utf8')) out += `~${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

export function decodeStationId(token: string): string {
  if (!token.includes('~')) return token
  const bytes: number[] = []
  for (let i = 0; i < token.length; i++) {
    const ch = token[i] as string
    if (ch === '~') {
      bytes.push(Number.parseInt(token.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      bytes.push(ch.charCodeAt(0))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}
