// NATS header names carrying OCPP metadata beside the payload.
export const HEADER = {
  stationId: 'Ocpp-Station-Id',
  messageId: 'Ocpp-Message-Id',
  protocol: 'Ocpp-Protocol',
  gatewayId: 'Ocpp-Gateway-Id',
  /** Set on a reply that must become a CALLERROR. */
  errorCode: 'Ocpp-Error-Code',
  errorDescription: 'Ocpp-Error-Description',
  /** How long the requester waits; the gateway frees the station's CALL slot after it. */
  timeoutMs: 'Ocpp-Timeout-Ms',
  traceparent: 'traceparent',
} as const
