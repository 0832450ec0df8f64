import type { CertificateHashData, InstalledCertificate } from '@csms/bus'
import type { Kysely } from 'kysely'
import type { AuthDb } from './tables.js'

export type CertificateRepo = ReturnType<typeof createCertificateRepo>

/** Certificates the CSMS CA issued, and those each station reported as installed. */
export function createCertificateRepo(db: Kysely<AuthDb>) {
  return {
    async recordIssued(c: {
      serialNumber: string
      stationId: string
      certificateType: string
      subject: string
      notAfter: Date
      pem: string
    }): Promise<void> {
      await db
        .insertInto('issued_certificates')
        .values({
          serial_number: c.serialNumber,
          station_id: c.stationId,
          certificate_type: c.certificateType,
          subject: c.subject,
          not_after: c.notAfter,
          pem: c.pem,
          delivery_status: 'Issued',
        })
        .execute()
    },

    async markDelivery(serialNumber: string, status: string): Promise<void> {
      await db
        .updateTable('issued_certificates')
        .set({ delivery_status: status, updated_at: new Date() })
        .where('serial_number', '=', serialNumber)
        .execute()
    },

    async issuedTo(stationId: string) {
      return db
        .selectFrom('issued_certificates')
        .select(['serial_number', 'certificate_type', 'delivery_status', 'not_after'])
        .where('station_id', '=', stationId)
        .orderBy('created_at')
        .execute()
    },

    /** Replaces what a station reported for these types (all types when none are named). */
    async replaceInstalled(stationId: string, types: string[] | undefined, certs: InstalledCertificate[]) {
      await db.transaction().execute(async (trx) => {
        let clear = trx.deleteFrom('station_certificates').where('station_id', '=', stationId)
        if (types) clear = clear.where('certificate_type', 'in', types)
        await clear.execute()
        if (certs.length === 0) return
        await trx
          .insertInto('station_certificates')
          .values(
            certs.map((c) => ({
              station_id: stationId,
              certificate_type: c.certificateType,
              hash_algorithm: c.hashAlgorithm,
              issuer_name_hash: c.issuerNameHash,
              issuer_key_hash: c.issuerKeyHash,
              serial_number: c.serialNumber,
              child_certificates: JSON.stringify(c.childCertificateHashData),
            })),
          )
          .onConflict((oc) => oc.doNothing())
          .execute()
      })
    },

    /** Serial numbers are compared as hex without leading zeroes, in any case. */
    async findInstalled(stationId: string, serialNumber: string): Promise<CertificateHashData | undefined> {
      const bare = serialNumber.replace(/^0+(?=.)/, '').toLowerCase()
      const rows = await db
        .selectFrom('station_certificates')
        .select(['hash_algorithm', 'issuer_name_hash', 'issuer_key_hash', 'serial_number'])
        .where('station_id', '=', stationId)
        .execute()
      const row = rows.find((r) => r.serial_number.replace(/^0+(?=.)/, '').toLowerCase() === bare)
      return (
        row && {
          hashAlgorithm: row.hash_algorithm as CertificateHashData['hashAlgorithm'],
          issuerNameHash: row.issuer_name_hash,
          issuerKeyHash: row.issuer_key_hash,
          serialNumber: row.serial_number,
        }
      )
    },

    async forgetInstalled(stationId: string, hash: CertificateHashData): Promise<void> {
      await db
        .deleteFrom('station_certificates')
        .where('station_id', '=', stationId)
        .where('hash_algorithm', '=', hash.hashAlgorithm)
        .where('issuer_name_hash', '=', hash.issuerNameHash)
        .where('issuer_key_hash', '=', hash.issuerKeyHash)
        .where('serial_number', '=', hash.serialNumber)
        .execute()
    },
  }
}
