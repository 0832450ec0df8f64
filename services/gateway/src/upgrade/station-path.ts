// The station identity is the last path segment of ws(s)://host/ocpp/{stationId}.
// OCPP 2.0.1 (identifierString, max 48) allows a-z A-Z 0-9 * - _ = : + | @ and '.';
// it arrives percent-encoded when a station uses other characters, which we refuse.
const ID = /^[A-Za-z0-9*\-_=:+|@.]{1,48}$/

export type StationPath = { ok: true; stationId: string } | { ok: false; status: 400 | 404; reason: string }

export function parseStationPath(url: string, prefix = '/ocpp/'): StationPath {
  if (!url.startsWith(prefix)) return { ok: false, status: 404, reason: `path must be ${prefix}{stationId}` }
  let raw = url.slice(prefix.length)
  if (raw.endsWith('/')) raw = raw.slice(0, -1)
  let id: string
  try {
    id = decodeURIComponent(raw)
  } catch {
    return { ok: false, status: 400, reason: 'station id is not valid percent-encoding' }
  }
  if (!ID.test(id)) {
    return {
      ok: false,
      status: 400,
      reason: 'station id must be 1-48 characters of A-Z a-z 0-9 * - _ = : + | @ .',
    }
  }
  return { ok: true, stationId: id }
}
