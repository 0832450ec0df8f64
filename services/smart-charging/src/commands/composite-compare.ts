import { type CompositeCheck, eventSubject, publishEvent } from '@csms/bus'
import type { Logger } from '@csms/telemetry'
import type { JetStreamClient } from '@nats-io/jetstream'
import type { ScheduleLike } from '../domain/charging-profile.js'
import { compositeSchedule } from '../domain/composite-schedule.js'
import { compareSchedules } from '../domain/schedule-compare.js'
import type { ProfileRepo } from '../repo/profile-repo.js'
import type { SessionRepo } from '../repo/session-repo.js'

// K08: a station's answer to GetCompositeSchedule against the schedule computed here from the
// profiles and external limits it holds; the check is stored and a mismatch published.

export type CompositeCompare = ReturnType<typeof createCompositeCompare>

export function createCompositeCompare(deps: {
  js: JetStreamClient
  profiles: ProfileRepo
  sessions: SessionRepo
  logger: Logger
  compositeToleranceA: number
}) {
  return async function compare(
    stationId: string,
    req: { evseId: number; duration: number; chargingRateUnit?: 'A' | 'W' | undefined },
    response: Record<string, unknown>,
  ): Promise<CompositeCheck> {
    const schedule = response.schedule as
      | {
          scheduleStart: string
          duration: number
          chargingRateUnit: 'A' | 'W'
          chargingSchedulePeriod: Array<{ startPeriod: number; limit?: number }>
        }
      | undefined
    const unit = schedule?.chargingRateUnit ?? req.chargingRateUnit ?? 'W'
    const from = schedule ? Date.parse(schedule.scheduleStart) : Date.now()
    const durationS = schedule?.duration ?? req.duration
    const [installed, externals, sessions] = await Promise.all([
      deps.profiles.installed(stationId),
      deps.profiles.externalLimits(stationId),
      deps.sessions.listStation(stationId),
    ])
    const session = sessions.find((s) => s.evseId === req.evseId)
    const electrical = {
      voltage: session?.electrical?.voltage ?? 230,
      phases: session?.electrical?.phases ?? 3,
    }
    const expected = compositeSchedule(
      installed,
      externals.map((x) => ({
        evseId: x.evseId,
        schedules: x.schedules as ScheduleLike[],
        setAt: x.setAt.getTime(),
      })),
      {
        evseId: req.evseId,
        from,
        durationS,
        unit,
        transaction: session
          ? { id: session.transactionId, startedAt: session.startedAt.getTime() }
          : undefined,
        electrical,
      },
    )
    const reported = (schedule?.chargingSchedulePeriod ?? []).map((p) => ({
      startPeriod: p.startPeriod,
      limit: p.limit ?? null,
    }))
    const toleranceA = deps.compositeToleranceA
    const differences = schedule
      ? compareSchedules(
          expected,
          reported.map((p) => ({ startPeriod: p.startPeriod, limit: p.limit ?? undefined })),
          {
            durationS,
            upperBound: req.evseId === 0,
            tolerance: (x) =>
              unit === 'A'
                ? toleranceA
                : Math.max(toleranceA * electrical.voltage * electrical.phases, x * 0.01),
          },
        )
      : []
    const check: CompositeCheck = {
      stationId,
      evseId: req.evseId,
      checkedAt: new Date().toISOString(),
      scheduleStart: schedule?.scheduleStart ?? null,
      durationS,
      chargingRateUnit: unit,
      status: String(response.status ?? 'unknown'),
      reported,
      expected: expected.map((p) => ({ startPeriod: p.startPeriod, limit: p.limit ?? null })),
      differences: differences.map((d) => ({
        atS: d.atS,
        expected: d.expected,
        reported: d.reported ?? null,
      })),
      matches: differences.length === 0,
    }
    await deps.profiles.saveCompositeCheck(stationId, req.evseId, check.matches, check)
    if (!check.matches) {
      await publishEvent(deps.js, eventSubject('smart-charging', 'composite-mismatch', stationId), {
        type: 'smart-charging.composite-mismatch',
        stationId,
        time: check.checkedAt,
        data: check,
      }).catch((error) => deps.logger.warn({ err: error }, 'composite mismatch event not published'))
      deps.logger.warn(
        { stationId, evseId: req.evseId, differences: check.differences.length },
        'composite schedule differs from the computed one',
      )
    }
    return check
  }
}
