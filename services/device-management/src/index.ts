export { startDeviceManagement } from './app.js'
export { type DeviceManagementConfig, DeviceManagementConfigSchema, readConfig } from './config.js'
