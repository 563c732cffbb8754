/** Small FOCUS files for tests. */
export const FOCUS_HEADER =
  'ChargePeriodStart,ChargePeriodEnd,BilledCost,EffectiveCost,ListCost,ChargeCategory,ServiceName,ServiceCategory,ResourceId,ResourceName,RegionId,SubAccountId,Tags';

/** One day's charge for a resource tagged with an app. */
export function focusRow(options: {
  day: string;
  cost: number | string;
  app?: string;
  resource?: string;
}) {
  const next = new Date(Date.parse(`${options.day}T00:00:00Z`) + 86_400_000)
    .toISOString()
    .slice(0, 10);
  const resource = options.resource ?? `${options.app ?? 'shared'}-db`;
  const tags = options.app ? `"{""app"":""${options.app}""}"` : '';
  return `${options.day}T00:00:00Z,${next}T00:00:00Z,${options.cost},${options.cost},${options.cost},Usage,Amazon Relational Database Service,Databases,arn:aws:rds:eu-west-1:1:db:${resource},${resource},eu-west-1,1,${tags}`;
}

export function focusFile(rows: string[]) {
  return `${[FOCUS_HEADER, ...rows].join('\n')}\n`;
}
