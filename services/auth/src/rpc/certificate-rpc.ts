import {
  AppError,
  type CertificateHashData,
  deleteInstalledCertificateRpc,
  getCertificateAuthorityRpc,
  type InstalledCertificate,
  installCertificateRpc,
  listInstalledCertificatesRpc,
  serveRpc,
} from '@csms/bus'
import { type OcppVersion, validateRequest } from '@csms/ocpp'
import type { Logger } from '@csms/telemetry'
import type { NatsConnection, Subscription } from '@nats-io/nats-core'
import type { CertificateAuthority } from '../pki/certificate-authority.js'
import { pemBlocks } from '../pki/pem.js'
import type { CertificateRepo } from '../repo/certificate-repo.js'
import type { CallOutcome, ProtocolResolver, StationCaller } from '../station/station-call.js'

type HashDataChain = {
  certificateType: string
  certificateHashData: CertificateHashData
  childCertificateHashData?: CertificateHashData[]
}

const strip = ({ hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber }: CertificateHashData) => ({
  hashAlgorithm,
  issuerNameHash,
  issuerKeyHash,
  serialNumber,
})

function unwrap(reply: CallOutcome): Record<string, unknown> {
  if (reply.ok) return reply.payload
  const code =
    reply.outcome === 'Offline'
      ? 'station_offline'
      : reply.outcome === 'Timeout'
        ? 'timeout'
        : 'station_error'
  throw new AppError(code, reply.detail)
}

/**
 * The operator's certificate types are free text, the station's schema an enum of its version
 * (2.0.1 CSMSRootCertificate is 1.6 CentralSystemRootCertificate): a payload it would refuse is
 * refused here, before anything is sent.
 */
function checked<P extends Record<string, unknown>>(version: OcppVersion, action: string, payload: P): P {
  const valid = validateRequest(version, action, payload)
  if (!valid.ok) throw new AppError('invalid_input', `${action} (${version}): ${valid.error.description}`)
  return payload
}

/**
 * Certificates on stations through the operator API (M03 list, M04 delete, M05 install), sent
 * by auth as the owner of these actions; what GetInstalledCertificateIds reports is recorded.
 */
export function serveCertificateRpc(deps: {
  nc: NatsConnection
  ca: CertificateAuthority | undefined
  repo: CertificateRepo
  call: StationCaller
  protocolOf: ProtocolResolver
  logger: Logger
}): Subscription[] {
  const opts = { queue: 'auth', logger: deps.logger }
  const versionOf = async (stationId: string) => {
    const version = await deps.protocolOf(stationId)
    if (!version) throw new AppError('station_offline', `station ${stationId} has not connected yet`)
    return version
  }
  return [
    serveRpc(
      deps.nc,
      installCertificateRpc,
      async ({ stationId, certificateType, certificate }) => {
        if (pemBlocks(certificate, 'CERTIFICATE').length !== 1) {
          throw new AppError('invalid_input', 'certificate must be exactly one PEM certificate')
        }
        const payload = checked(await versionOf(stationId), 'InstallCertificate', {
          certificateType,
          certificate,
        })
        const answer = unwrap(await deps.call(stationId, 'InstallCertificate', payload))
        return {
          status: String(answer.status),
          ...(answer.statusInfo ? { statusInfo: answer.statusInfo } : {}),
        }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      listInstalledCertificatesRpc,
      async ({ stationId, certificateTypes }) => {
        const version = await versionOf(stationId)
        // 1.6 asks for one type at a time and answers flat hash data.
        if (version === 'v16') {
          const certificates: InstalledCertificate[] = []
          let status = 'Accepted'
          const types = certificateTypes ?? ['CentralSystemRootCertificate', 'ManufacturerRootCertificate']
          // Every type checked before the first is asked for: a refusal sends nothing.
          const requests = types.map((type) =>
            checked(version, 'GetInstalledCertificateIds', { certificateType: type }),
          )
          for (const request of requests) {
            const type = request.certificateType
            const a = unwrap(await deps.call(stationId, 'GetInstalledCertificateIds', request))
            if (a.status !== 'Accepted') status = String(a.status)
            for (const h of (a.certificateHashData as CertificateHashData[] | undefined) ?? []) {
              certificates.push({ ...strip(h), certificateType: type, childCertificateHashData: [] })
            }
          }
          await deps.repo.replaceInstalled(stationId, certificateTypes, certificates)
          return { status, certificates }
        }
        const a = unwrap(
          await deps.call(
            stationId,
            'GetInstalledCertificateIds',
            checked(
              version,
              'GetInstalledCertificateIds',
              certificateTypes ? { certificateType: certificateTypes } : {},
            ),
          ),
        )
        const chains = (a.certificateHashDataChain as HashDataChain[] | undefined) ?? []
        const certificates = chains.map((c) => ({
          ...strip(c.certificateHashData),
          certificateType: c.certificateType,
          childCertificateHashData: (c.childCertificateHashData ?? []).map(strip),
        }))
        if (a.status === 'Accepted' || a.status === 'NotFound') {
          await deps.repo.replaceInstalled(stationId, certificateTypes, certificates)
        }
        return { status: String(a.status), certificates }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      deleteInstalledCertificateRpc,
      async ({ stationId, serialNumber, certificateHashData }) => {
        const hash =
          certificateHashData ??
          (serialNumber ? await deps.repo.findInstalled(stationId, serialNumber) : undefined)
        if (!hash) {
          throw new AppError(
            'not_found',
            `no certificate ${serialNumber ?? ''} known on ${stationId}: list them first`,
          )
        }
        await versionOf(stationId)
        const answer = unwrap(
          await deps.call(stationId, 'DeleteCertificate', { certificateHashData: strip(hash) }),
        )
        if (answer.status === 'Accepted' || answer.status === 'NotFound')
          await deps.repo.forgetInstalled(stationId, hash)
        return {
          status: String(answer.status),
          ...(answer.statusInfo ? { statusInfo: answer.statusInfo } : {}),
        }
      },
      opts,
    ),
    serveRpc(
      deps.nc,
      getCertificateAuthorityRpc,
      async () => ({ certificate: deps.ca?.certificatePem ?? null }),
      opts,
    ),
  ]
}
