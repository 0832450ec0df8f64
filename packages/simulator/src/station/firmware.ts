import type { Station } from './station.js'

// Firmware updates and log uploads walk through the statuses a real station reports, with a few
// seconds between steps; the "download" never leaves the machine.

const STEP_MS = 1_500
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

let updates = 0

export type FirmwareRequest = {
  requestId: number | undefined
  retrieveAt: number
  installAt: number | undefined
  signed: boolean
  location: string
}

/** Downloading → Downloaded → (SignatureVerified) → Installing → reboot → Installed. */
export async function runFirmwareUpdate(st: Station, r: FirmwareRequest): Promise<void> {
  const run = ++updates
  const current = () => st.isRunning && st.firmware.requestId === r.requestId && activeRun.get(st) === run
  activeRun.set(st, run)
  st.firmware.requestId = r.requestId
  const v2 = !st.isV16
  if (r.retrieveAt > Date.now() + STEP_MS) {
    if (v2) await st.sendFirmwareStatus('DownloadScheduled')
    await pause(Math.min(r.retrieveAt - Date.now(), 3_600_000))
  }
  if (!current()) return
  await st.sendFirmwareStatus('Downloading')
  await pause(STEP_MS)
  if (!current()) return
  await st.sendFirmwareStatus('Downloaded')
  if (v2 && r.signed) {
    await pause(STEP_MS / 2)
    await st.sendFirmwareStatus('SignatureVerified')
  }
  if (r.installAt !== undefined && r.installAt > Date.now() + STEP_MS) {
    if (v2) await st.sendFirmwareStatus('InstallScheduled')
    await pause(Math.min(r.installAt - Date.now(), 3_600_000))
  }
  if (!current()) return
  await st.sendFirmwareStatus('Installing')
  await pause(STEP_MS)
  if (!current()) return
  const name =
    r.location
      .split('/')
      .pop()
      ?.replace(/\.[a-z0-9]+$/i, '') || `fw-${r.requestId ?? run}`
  st.firmware.version = name.slice(0, 50)
  st.firmware.pendingInstalled = true
  if (v2) await st.sendFirmwareStatus('InstallRebooting')
  await st.reboot('FirmwareUpdate')
}

const activeRun = new WeakMap<Station, number>()

export function firmwareBusy(st: Station): boolean {
  return ![
    'Idle',
    'Installed',
    'DownloadFailed',
    'InstallationFailed',
    'InvalidSignature',
    'InstallVerificationFailed',
  ].includes(st.firmware.status)
}

/** GetLog (2.x) / GetDiagnostics (1.6): Uploading, then Uploaded. */
export async function runLogUpload(st: Station, requestId: number | undefined): Promise<void> {
  const action = st.isV16 ? 'DiagnosticsStatusNotification' : 'LogStatusNotification'
  const withId = (status: string) =>
    st.isV16 || requestId === undefined ? { status } : { status, requestId }
  await st.send(action, withId('Uploading'))
  await pause(STEP_MS)
  await st.send(action, withId('Uploaded'))
}
