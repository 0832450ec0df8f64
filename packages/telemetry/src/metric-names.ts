// Every metric name the code exports, in one place: the Grafana dashboards in deploy/ read exactly these.
export const METRIC = {
  gatewayConnections: 'csms_gateway_connections',
  gatewayUpgradesRefused: 'csms_gateway_upgrades_refused_total',
  gatewayMessages: 'csms_gateway_messages_total',
  gatewayCallDuration: 'csms_gateway_call_duration_seconds',
  gatewayNatsRequestDuration: 'csms_gateway_nats_request_duration_seconds',
  gatewaySendBufferBytes: 'csms_gateway_send_buffer_bytes',
  gatewayEvictions: 'csms_gateway_evictions_total',
  handlerDuration: 'csms_handler_duration_seconds',
  handlerCalls: 'csms_handler_calls_total',
  apiRequests: 'csms_api_requests_total',
  apiRequestDuration: 'csms_api_request_duration_seconds',
} as const

export type MetricName = (typeof METRIC)[keyof typeof METRIC]
