import type { StatsSnapshot } from '../metrics/fleet-stats.js'
import type { Scenario } from '../scenario/scenario-schema.js'

/** What the supervisor tells a worker process. */
export type ToWorker =
  | {
      type: 'start'
      scenario: Scenario
      url: string
      /** The worker's stations: fleet indices [from, to). */
      from: number
      to: number
      startAt: number
      sourceAddresses: string[]
    }
  | { type: 'stop' }

/** What a worker process reports. */
export type FromWorker =
  | { type: 'ready'; pid: number; openFilesLimit: number | undefined }
  | { type: 'stats'; snapshot: StatsSnapshot }
  | { type: 'stopped'; snapshot: StatsSnapshot }
  | { type: 'fatal'; message: string }
