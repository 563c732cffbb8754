const DAY_MS = 86_400_000;

/**
 * "12 days left", "due today", "3 days overdue": calendar days (UTC)
 * between today and the deadline's day, which lasts to its end.
 */
export function deadlineText(deadline: string, now = Date.now()): string {
  const day = (time: number) => Math.floor(time / DAY_MS);
  const days = day(Date.parse(deadline)) - day(now);
  if (days > 1) return `${days} days left`;
  if (days === 1) return '1 day left';
  if (days === 0) return 'due today';
  return days === -1 ? '1 day overdue' : `${-days} days overdue`;
}

/** "12 of 20 done (60 %)"; "no components targeted yet" before an evaluation. */
export function progressText(done: number, targeted: number): string {
  if (targeted === 0) return 'No components targeted yet';
  return `${done} of ${targeted} done (${Math.round(
    (done / targeted) * 100,
  )} %)`;
}

/** "40 %" of a whole; "—" of nothing. */
export const share = (part: number, whole: number) =>
  whole === 0 ? '—' : `${Math.round((part / whole) * 100)} %`;
