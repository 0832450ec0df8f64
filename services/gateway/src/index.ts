export { type Gateway, startGateway } from './app.js'
export { type GatewayConfig, GatewayConfigSchema, readConfig } from './config.js'
