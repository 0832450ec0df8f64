import { z } from 'zod'
import * as v16 from '../generated/v16.js'
import * as v21 from '../generated/v21.js'
import * as v201 from '../generated/v201.js'
import type { OcppVersion } from '../versions.js'
import type { Sender } from './sender.js'
import { V16_SENDERS } from './v16-senders.js'
import { V21_SEND_ACTIONS, V21_SENDERS } from './v21-senders.js'
import { V201_SENDERS } from './v201-senders.js'

type ActionsByVersion = { v16: v16.Actions; v201: v201.Actions; v21: v21.Actions }
type SendersByVersion = { v16: typeof V16_SENDERS; v201: typeof V201_SENDERS; v21: typeof V21_SENDERS }

/** The action names of a version, e.g. `ActionOf<'v201'>` is `'Authorize' | 'BootNotification' | …`. */
export type ActionOf<V extends OcppVersion> = keyof ActionsByVersion[V] & string
export type RequestOf<V extends OcppVersion, A extends ActionOf<V>> = ActionsByVersion[V][A] extends {
  request: infer R
}
  ? R
  : never
/** `never` for an action that travels in a SEND frame and is never answered. */
export type ResponseOf<V extends OcppVersion, A extends ActionOf<V>> = ActionsByVersion[V][A] extends {
  response: infer R
}
  ? R
  : never
export type SenderOf<V extends OcppVersion, A extends ActionOf<V>> = SendersByVersion[V][A &
  keyof SendersByVersion[V]]
/** Actions a station may start (the CSMS answers them). */
export type StationActionOf<V extends OcppVersion> = {
  [A in ActionOf<V>]: SenderOf<V, A> extends 'csms' ? never : A
}[ActionOf<V>]
/** Actions the CSMS may start (the station answers them). */
export type CsmsActionOf<V extends OcppVersion> = {
  [A in ActionOf<V>]: SenderOf<V, A> extends 'station' ? never : A
}[ActionOf<V>]

export type ActionInfo = {
  action: string
  sender: Sender
  request: z.ZodType
  /** `z.never()` for a SEND-only action, which has no response. */
  response: z.ZodType
  /** `send` for the 2.1 messages that travel in a SEND frame (type 6) and get no answer. */
  transport: 'call' | 'send'
}

type Table = Readonly<Record<string, { request: z.ZodType; response: z.ZodType | undefined }>>

const NO_RESPONSE = z.never()

function build(schemas: Table, senders: Readonly<Record<string, Sender>>, sends: ReadonlySet<string>) {
  const infos = new Map<string, ActionInfo>()
  for (const [action, { request, response }] of Object.entries(schemas)) {
    const sender = senders[action]
    if (!sender) throw new Error(`no sender for ${action}`)
    const transport = sends.has(action) ? 'send' : 'call'
    infos.set(action, { action, sender, request, response: response ?? NO_RESPONSE, transport })
  }
  return { infos, names: Object.freeze([...infos.keys()]) }
}

// A Map, not an object lookup: an action named "constructor" or "__proto__" must find nothing.
const REGISTRY = {
  v16: build(v16.actionSchemas, V16_SENDERS, new Set()),
  v201: build(v201.actionSchemas, V201_SENDERS, new Set()),
  v21: build(v21.actionSchemas, V21_SENDERS, V21_SEND_ACTIONS),
}

export function actionsOf<V extends OcppVersion>(v: V): readonly ActionOf<V>[] {
  return REGISTRY[v].names as readonly ActionOf<V>[]
}

export function actionInfo(v: OcppVersion, action: string): ActionInfo | undefined {
  return REGISTRY[v].infos.get(action)
}

export function isActionOf<V extends OcppVersion>(v: V, action: string): action is ActionOf<V> {
  return REGISTRY[v].infos.has(action)
}
