export {
  DEV_CONTRACT_PLACEHOLDER_EXI,
  type DevContractProvider,
  type DevContractProviderCall,
  type DevContractProviderMode,
  type DevContractProviderOptions,
  startDevContractProvider,
} from './dev-contract-provider.js'
export { configuredBackend, isDockerAvailable, TestkitBackend } from './docker-available.js'
export { isProcessAlive, killQuietly, onProcessExit } from './exit-cleanup.js'
export { freePort } from './free-port.js'
export {
  ensureLocalBinaries,
  findNatsServer,
  findPostgresBinDir,
  type LocalBinaries,
} from './local-binaries.js'
export {
  type LocalNatsServer,
  type LocalNatsServerOptions,
  startLocalNatsServer,
} from './local-nats-server.js'
export {
  type LocalPostgresServer,
  type LocalPostgresServerOptions,
  startLocalPostgresServer,
} from './local-postgres-server.js'
export type {
  LocalServer,
  ManagedServer,
  NatsHandle,
  PostgresHandle,
  RestartableNatsHandle,
  RestartablePostgresHandle,
} from './managed-server.js'
export {
  PLATFORM_SERVICES,
  type Platform,
  type PlatformOptions,
  type PlatformService,
  SERVICE_NODE_FLAGS,
  startPlatform,
} from './platform.js'
export { type CommandResult, type RunCommandOptions, runCommand } from './run-command.js'
export { createScratchDatabase, type ScratchDatabase, withDatabase } from './scratch-database.js'
export { type ProcessHandle, type SpawnProcessOptions, spawnProcess } from './spawn-process.js'
export { type StartNatsOptions, startNats } from './start-nats.js'
export { type StartPostgresOptions, startPostgres } from './start-postgres.js'
export { createTempDir, type TempDir } from './temp-dir.js'
export { TestkitError } from './testkit-error.js'
export { type WaitForOptions, type WaitForResult, waitFor } from './wait-for.js'
