import { z } from 'zod'
import { defineRpc } from '../rpc.js'

// Certificates on stations (OCPP 2.0.1 M03-M05), sent by the auth service on an operator's
// request: it records what each station reported, so a certificate can be named by serial.

export const CertificateHashDataSchema = z.object({
  hashAlgorithm: z.enum(['SHA256', 'SHA384', 'SHA512']),
  issuerNameHash: z.string().max(128),
  issuerKeyHash: z.string().max(128),
  serialNumber: z.string().max(40),
})
export type CertificateHashData = z.infer<typeof CertificateHashDataSchema>

export const InstalledCertificateSchema = CertificateHashDataSchema.extend({
  certificateType: z.string(),
  childCertificateHashData: z.array(CertificateHashDataSchema),
})
export type InstalledCertificate = z.infer<typeof InstalledCertificateSchema>

const StationCall = {
  stationId: z.string().min(1).max(48),
  timeoutMs: z.number().int().min(100).max(300_000).optional(),
}

/** InstallCertificate: a root certificate (V2G, MO, CSMS, manufacturer) onto a station. */
export const installCertificateRpc = defineRpc(
  'auth',
  'certificate.install',
  z.object({ ...StationCall, certificateType: z.string().min(1).max(40), certificate: z.string().min(1) }),
  z.object({ status: z.string(), statusInfo: z.unknown().optional() }),
)

/** GetInstalledCertificateIds; the answer is recorded for later deletes by serial number. */
export const listInstalledCertificatesRpc = defineRpc(
  'auth',
  'certificate.list',
  z.object({ ...StationCall, certificateTypes: z.array(z.string().min(1).max(40)).min(1).optional() }),
  z.object({ status: z.string(), certificates: z.array(InstalledCertificateSchema) }),
)

/** DeleteCertificate, by hash data or by the serial number of a listed certificate. */
export const deleteInstalledCertificateRpc = defineRpc(
  'auth',
  'certificate.delete',
  z.object({
    ...StationCall,
    serialNumber: z.string().min(1).max(40).optional(),
    certificateHashData: CertificateHashDataSchema.optional(),
  }),
  z.object({ status: z.string(), statusInfo: z.unknown().optional() }),
)

/** The CSMS certificate authority that signs station CSRs (null when none is configured). */
export const getCertificateAuthorityRpc = defineRpc(
  'auth',
  'certificate.authority',
  z.object({}),
  z.object({ certificate: z.string().nullable() }),
)
