/** A server process the testkit (or the `./dev up` launcher) started and must stop. */
export type ManagedServer = {
  /** Where clients connect: nats://127.0.0.1:4222, postgres://csms:…@127.0.0.1:5432/csms. */
  readonly url: string
  /** Stops the server and resolves once no process of it is left. Safe to call twice. */
  stop(): Promise<void>
}

/** A server the testkit runs from local binaries: it can be restarted on the same port and data. */
export type LocalServer = ManagedServer & {
  /** The server's main process; it changes on restart. */
  readonly pid: number
  restart(): Promise<void>
}

/** What `startNats()` hands a test. */
export type NatsHandle = {
  readonly url: string
  stop(): Promise<void>
  /** Present for a local nats-server only: stop and start again on the same port and store. */
  restart?(): Promise<void>
  /** Present for a local nats-server only. */
  readonly pid?: number
}

/** What `startPostgres()` hands a test. */
export type PostgresHandle = {
  /** A fresh, empty database that belongs to this caller alone. */
  readonly url: string
  stop(): Promise<void>
  /** Present for a local PostgreSQL only: pg_ctl restart on the same port and data folder. */
  restart?(): Promise<void>
  /** Present for a local PostgreSQL only: the postmaster's pid. */
  readonly pid?: number
}

/** A handle on a private local server, so `restart()` and `pid` are always there. */
export type RestartableNatsHandle = NatsHandle & { restart(): Promise<void>; readonly pid: number }

/** A handle on a private local server, so `restart()` and `pid` are always there. */
export type RestartablePostgresHandle = PostgresHandle & { restart(): Promise<void>; readonly pid: number }
