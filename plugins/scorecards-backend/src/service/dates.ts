const DAY_MS = 86_400_000;

/**
 * A date the API was given: a date alone (2027-03-31) means the end of
 * that day (UTC), so an exception "until 31 Mar" covers the 31st; a
 * date-time is taken as it is. Undefined when it is not a date.
 */
export function endOfDayOrTime(input: string): Date | undefined {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(input)
    ? new Date(`${input}T23:59:59.999Z`)
    : new Date(input);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** The end (UTC) of the day `days` days after `now`: the latest date allowed. */
export function latestAllowed(now: Date, days: number): Date {
  const day = new Date(now.getTime() + days * DAY_MS)
    .toISOString()
    .slice(0, 10);
  return new Date(`${day}T23:59:59.999Z`);
}
