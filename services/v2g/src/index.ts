export { startV2g } from './app.js'
export { readConfig, type V2gConfig, V2gConfigSchema } from './config.js'
