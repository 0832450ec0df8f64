import { AppError } from '@csms/bus'

/** A page cursor that is a row id: anything else is the caller's mistake, not a server error. */
export function idCursor(after: string | undefined): string | undefined {
  if (after === undefined || /^\d{1,18}$/.test(after)) return after
  throw new AppError('invalid_input', 'after must be the next value of a previous page')
}
