import { fitsV201, type IdTokenInfo, type IdTokenRef, toIdTagInfo, toV201IdTokenInfo } from '@csms/bus'
import type { OcppVersion } from '@csms/ocpp'

/** An entry to send; without `info` it removes the token from the station's list. */
export type PlannedEntry = { ref: IdTokenRef; info?: IdTokenInfo | undefined }
export type PlannedMessage = {
  updateType: 'Full' | 'Differential'
  versionNumber: number
  entries: PlannedEntry[]
}

/** Whether a token can travel in this protocol's SendLocalList at all (length and type limits). */
export function fitsProtocol(version: OcppVersion, ref: IdTokenRef): boolean {
  switch (version) {
    case 'v16':
      return ref.idToken.length <= 20
    case 'v201':
      return fitsV201(ref)
    case 'v21':
      return ref.idToken.length <= 255
  }
}

/**
 * Splits an update into messages of at most `itemsPerMessage` entries (the station's
 * LocalAuthListCtrlr.ItemsPerMessage). A full update starts with `Full` and continues with
 * differentials; every message carries the next version, so the station ends on the last one.
 * An empty full update is one `Full` without entries: it clears the station's list.
 */
export function planUpdates(
  entries: PlannedEntry[],
  opts: { full: boolean; firstVersion: number; itemsPerMessage: number },
): PlannedMessage[] {
  const size = Math.max(1, opts.itemsPerMessage)
  // Every entry of a full list carries idTokenInfo (OCPP: required when updateType is Full; its
  // continuations would remove, not add): a token deleted while the list was read is left out.
  const sent = opts.full ? entries.filter((e) => e.info !== undefined) : entries
  const chunks: PlannedEntry[][] = []
  for (let i = 0; i < sent.length; i += size) chunks.push(sent.slice(i, i + size))
  if (chunks.length === 0 && opts.full) chunks.push([])
  return chunks.map((chunk, i) => ({
    updateType: opts.full && i === 0 ? 'Full' : 'Differential',
    versionNumber: opts.firstVersion + i,
    entries: chunk,
  }))
}

/** The SendLocalList payload of one message in the station's protocol. */
export function sendLocalListPayload(version: OcppVersion, m: PlannedMessage): Record<string, unknown> {
  if (version === 'v16') {
    const list = m.entries.map((e) => ({
      idTag: e.ref.idToken,
      ...(e.info ? { idTagInfo: toIdTagInfo(e.info) } : {}),
    }))
    return {
      listVersion: m.versionNumber,
      updateType: m.updateType,
      ...(list.length ? { localAuthorizationList: list } : {}),
    }
  }
  const list = m.entries.map((e) => ({
    idToken: { idToken: e.ref.idToken, type: e.ref.type },
    ...(e.info ? { idTokenInfo: version === 'v201' ? toV201IdTokenInfo(e.info) : e.info } : {}),
  }))
  return {
    versionNumber: m.versionNumber,
    updateType: m.updateType,
    ...(list.length ? { localAuthorizationList: list } : {}),
  }
}
