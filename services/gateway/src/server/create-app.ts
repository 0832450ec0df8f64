import uWS from 'uWebSockets.js'
import { createPrivateKey, X509Certificate } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { GatewayConfig } from '../config.js'

/**
 * A plain App, or an SSLApp when this pod terminates TLS itself (security profile 2). The files
 * are parsed here first: uWS given an unreadable or malformed file only logs and then accepts
 * no connection, which would make a misconfigured pod look healthy.
 */
export function createApp(config: GatewayConfig): { app: uWS.TemplatedApp; tlsHere: boolean } {
  const cert = config.CSMS_GATEWAY_TLS_CERT_FILE
  const key = config.CSMS_GATEWAY_TLS_KEY_FILE
  if (cert === undefined || key === undefined) return { app: uWS.App(), tlsHere: false }
  try {
    new X509Certificate(readFileSync(cert))
  } catch (error) {
    throw new Error(`CSMS_GATEWAY_TLS_CERT_FILE ${cert} is not a readable PEM certificate`, { cause: error })
  }
  try {
    createPrivateKey(readFileSync(key))
  } catch (error) {
    throw new Error(`CSMS_GATEWAY_TLS_KEY_FILE ${key} is not a readable PEM private key`, { cause: error })
  }
  return { app: uWS.SSLApp({ cert_file_name: cert, key_file_name: key }), tlsHere: true }
}
