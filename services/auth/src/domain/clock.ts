/** Injected so tests can pin time; production passes `() => new Date()`. */
export type Clock = () => Date
export const systemClock: Clock = () => new Date()
