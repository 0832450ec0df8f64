export { type SmartChargingService, startSmartCharging } from './app.js'
export { readConfig, type SmartChargingConfig, SmartChargingConfigSchema } from './config.js'
