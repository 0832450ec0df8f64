import { actionInfo } from '../registry/registry.js'
import { mayReceive } from '../registry/sender.js'
import type { OcppVersion } from '../versions.js'

export type IncomingActionCheck = { ok: true } | { ok: false; code: 'NotImplemented' | 'NotSupported' }

export type IncomingActionOptions = {
  /** The actions the receiver handles (say, those some service answers); others are NotSupported. */
  supported?: ReadonlySet<string>
  /** The frame that carried the action: a CALL (default) or a 2.1 SEND. */
  frame?: 'call' | 'send'
}

/**
 * Whether `receiver` can take `action` (both codes are spelled alike in every version):
 * - A1 NotImplemented, "requested Action is not known by receiver": the version has no such
 *   action, or none for this frame type (2.1 part 4 §4.1.3: a CALL carries a message ending in
 *   "Request", a SEND one that does not, so NotifyPeriodicEventStream in a CALL is unknown).
 * - A2 NotSupported, "requested Action is recognized but not supported by the receiver": the action
 *   exists but only the receiver itself may send it (a station sending Reset to the CSMS), or the
 *   receiver does not handle it.
 */
export function checkIncomingAction(
  v: OcppVersion,
  action: string,
  receiver: 'csms' | 'station',
  options: IncomingActionOptions = {},
): IncomingActionCheck {
  const info = actionInfo(v, action)
  if (!info || info.transport !== (options.frame ?? 'call')) return { ok: false, code: 'NotImplemented' }
  if (!mayReceive(info.sender, receiver)) return { ok: false, code: 'NotSupported' }
  if (options.supported && !options.supported.has(action)) return { ok: false, code: 'NotSupported' }
  return { ok: true }
}
