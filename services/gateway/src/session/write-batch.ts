/**
 * Runs the given jobs together in the next check phase of the event loop. uWS delivers each
 * station frame as its own callback, and the NATS client flushes its socket after each one, so
 * forwarding CALLs one by one costs a socket write per CALL. Started together, every CALL that
 * arrived in one event-loop turn leaves in one write. Nothing waits on a timer: the jobs run in
 * the same turn, after the frames of that turn were read.
 */
export function createWriteBatch() {
  let jobs: Array<() => void> = []
  let scheduled = false
  const run = () => {
    scheduled = false
    const now = jobs
    jobs = []
    for (const job of now) job()
  }
  return (job: () => void): void => {
    jobs.push(job)
    if (!scheduled) {
      scheduled = true
      setImmediate(run)
    }
  }
}

export type WriteBatch = ReturnType<typeof createWriteBatch>
