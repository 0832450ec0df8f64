import {
  controlCampaignRpc,
  createCampaignRpc,
  getCampaignRpc,
  listCampaignsRpc,
  listCampaignTargetsRpc,
  serveRpc,
} from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import type { CampaignService } from '../campaigns/campaign-service.js'
import type { CampaignRepo } from '../repo/campaign-repo.js'
import type { CampaignTargetRepo } from '../repo/campaign-target-repo.js'
import { idCursor } from './cursor.js'

export function serveCampaignRpc(deps: {
  nc: NatsConnection
  campaigns: CampaignService
  repo: CampaignRepo
  targets: CampaignTargetRepo
  logger: Logger
}): Subscription[] {
  const opts = { queue: 'device-management', logger: deps.logger }
  return [
    serveRpc(
      deps.nc,
      createCampaignRpc,
      async (input) => ({ campaign: await deps.campaigns.create(input) }),
      opts,
    ),
    serveRpc(deps.nc, getCampaignRpc, async ({ id }) => ({ campaign: await deps.repo.view(id) }), opts),
    serveRpc(deps.nc, listCampaignsRpc, (q) => deps.repo.list({ ...q, after: idCursor(q.after) }), opts),
    serveRpc(deps.nc, listCampaignTargetsRpc, (q) => deps.targets.targets(q), opts),
    serveRpc(
      deps.nc,
      controlCampaignRpc,
      async ({ id, action, failureThreshold }) => ({
        campaign: await deps.campaigns.control(id, action, failureThreshold),
      }),
      opts,
    ),
  ]
}
