import { randomBytes } from 'node:crypto'

/**
 * A station password: 20 random bytes as 40 hex digits. Fits OCPP 2.0.1 BasicAuthPassword
 * (16-40 characters) and the 1.6 security whitepaper's AuthorizationKey alike.
 */
export function generateStationPassword(): string {
  return randomBytes(20).toString('hex')
}
