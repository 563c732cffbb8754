#!/usr/bin/env node
/**
 * Writes fernhill-cloud.focus.csv.gz: a FOCUS 1.2-style billing export (AWS
 * flavoured) of the demo organisation's managed cloud services, one row per
 * resource and charge per day, plus one AWS Support fee per month.
 *
 * Deterministic: the same arguments always write the same bytes.
 *
 *   node examples/focus/generate.mjs [--end 2026-11-26] [--days 120] [--out file]
 */
import { writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .join(' ')
    .split('--')
    .filter(Boolean)
    .map(pair => pair.trim().split(/\s+/)),
);
const END = args.end ?? '2026-11-26'; // the last day, inclusive
const DAYS = Number(args.days ?? 120);
const OUT =
  args.out ??
  join(dirname(fileURLToPath(import.meta.url)), 'fernhill-cloud.focus.csv.gz');

const DAY_MS = 86_400_000;
const endMs = Date.parse(`${END}T00:00:00Z`) + DAY_MS;
const startMs = endMs - DAYS * DAY_MS;
const iso = ms => new Date(ms).toISOString().replace('.000Z', 'Z');
const dayOf = ms => new Date(ms).toISOString().slice(0, 10);

/** mulberry32: a small seeded generator, so the file is reproducible. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(20261231);

const PAYER = { id: '123456789012', name: 'Fernhill Groceries Ltd' };
const ACCOUNTS = {
  production: { id: '210987654321', name: 'Fernhill Groceries, Production' },
  staging: { id: '345678901234', name: 'Fernhill Groceries, Non-production' },
};
const REGION = { id: 'eu-west-1', name: 'Europe (Ireland)' };

/**
 * The resources. `app` is the backstage.io/kubernetes-id of the component
 * that uses it (catalog/resources.yaml, packages/kube-apiserver-local/
 * scenarios/fernhill.yaml); resources without one are shared and stay
 * unattributed. `daily` is the typical list cost of a day; `weekend` scales
 * traffic-driven charges on Saturdays and Sundays; `discount` is the share
 * a Database Savings Plan takes off (EffectiveCost below BilledCost).
 */
const RDS = 'Amazon Relational Database Service';
const resources = [
  ...[
    ['orders-db', 'orders-service', 'checkout', 'db.r6g.xlarge', 23.04, 0.28],
    [
      'payments-db',
      'payments-gateway',
      'payments',
      'db.r6g.large',
      11.52,
      0.28,
    ],
    [
      'catalog-db',
      'product-catalog-service',
      'storefront',
      'db.r6g.large',
      11.52,
      0,
    ],
    [
      'inventory-db',
      'inventory-service',
      'fulfilment',
      'db.m6g.large',
      7.39,
      0,
    ],
  ].flatMap(([name, app, team, instance, daily, discount]) => [
    {
      service: RDS,
      category: 'Databases',
      subcategory: 'Relational Databases',
      resourceType: 'DB Instance',
      resourceId: `arn:aws:rds:eu-west-1:${ACCOUNTS.production.id}:db:${name}`,
      name,
      tags: { app, team, env: 'production', 'backstage-resource': name },
      daily,
      discount,
      unit: 'Hours',
      quantity: 24,
      description: `$${(daily / 24).toFixed(
        3,
      )} per RDS ${instance} Multi-AZ instance hour (or partial hour), running PostgreSQL`,
    },
    {
      // FOCUS categorises the service, so RDS storage is Databases too.
      service: RDS,
      category: 'Databases',
      subcategory: 'Relational Databases',
      resourceType: 'DB Instance',
      resourceId: `arn:aws:rds:eu-west-1:${ACCOUNTS.production.id}:db:${name}`,
      name,
      tags: { app, team, env: 'production', 'backstage-resource': name },
      daily: daily * 0.18,
      unit: 'GB-Mo',
      quantity: 400 / 30,
      description: '$0.276 per GB-month of provisioned gp3 storage, Multi-AZ',
    },
  ]),
  {
    service: RDS,
    category: 'Databases',
    subcategory: 'Relational Databases',
    resourceType: 'DB Instance',
    resourceId: `arn:aws:rds:eu-west-1:${ACCOUNTS.staging.id}:db:orders-db-staging`,
    name: 'orders-db-staging',
    account: 'staging',
    tags: { app: 'orders-service', team: 'checkout', env: 'staging' },
    daily: 2.06,
    unit: 'Hours',
    quantity: 24,
    description:
      '$0.086 per RDS db.t4g.medium Single-AZ instance hour (or partial hour), running PostgreSQL',
  },
  {
    service: 'Amazon ElastiCache',
    category: 'Databases',
    subcategory: 'Caching',
    resourceType: 'Cache Cluster',
    resourceId: `arn:aws:elasticache:eu-west-1:${ACCOUNTS.production.id}:replicationgroup:basket-cache`,
    name: 'basket-cache',
    tags: {
      app: 'checkout-service',
      team: 'checkout',
      env: 'production',
      'backstage-resource': 'basket-cache',
    },
    daily: 9.94,
    unit: 'Hours',
    quantity: 48,
    description: '$0.207 per cache.r7g.large node hour, Redis OSS',
  },
  {
    service: 'Amazon Managed Streaming for Apache Kafka',
    category: 'Integration',
    subcategory: 'Messaging',
    resourceType: 'Cluster',
    resourceId: `arn:aws:kafka:eu-west-1:${ACCOUNTS.production.id}:cluster/orders-events/5a1f0c2e`,
    name: 'orders-events',
    tags: {
      app: 'order-events-ingestor',
      team: 'data-platform',
      env: 'production',
      'backstage-resource': 'order-events-topic',
    },
    daily: 14.76,
    unit: 'Hours',
    quantity: 72,
    description: '$0.205 per kafka.m5.large broker hour',
  },
  {
    service: 'Amazon Simple Queue Service',
    category: 'Integration',
    subcategory: 'Messaging',
    resourceType: 'Queue',
    resourceId: `arn:aws:sqs:eu-west-1:${ACCOUNTS.production.id}:routing-jobs.fifo`,
    name: 'routing-jobs.fifo',
    tags: {
      app: 'delivery-routing',
      team: 'logistics-routing',
      env: 'production',
      'backstage-resource': 'routing-jobs-queue',
    },
    daily: 0.42,
    weekend: 0.6,
    unit: 'Requests',
    quantity: 840_000,
    description: '$0.50 per million FIFO requests, first 100 billion',
  },
  ...[
    [
      'fernhill-product-images',
      'product-catalog-service',
      'storefront',
      'product-images-bucket',
      6.1,
    ],
    [
      'fernhill-road-graph',
      'delivery-routing',
      'logistics-routing',
      'road-graph-bucket',
      1.35,
    ],
    [
      'fernhill-data-lake',
      'order-events-ingestor',
      'data-platform',
      'data-lake-bucket',
      18.4,
    ],
  ].map(([bucket, app, team, resource, daily]) => ({
    service: 'Amazon Simple Storage Service',
    category: 'Storage',
    subcategory: 'Object Storage',
    resourceType: 'Bucket',
    resourceId: `arn:aws:s3:::${bucket}`,
    name: bucket,
    tags: { app, team, env: 'production', 'backstage-resource': resource },
    daily,
    growth: 0.002,
    unit: 'GB-Mo',
    quantity: daily / 0.023 / 30,
    description:
      '$0.023 per GB-month of storage used in S3 Standard, first 50 TB',
  })),
  {
    service: 'Amazon CloudFront',
    category: 'Networking',
    subcategory: 'Content Delivery',
    resourceType: 'Distribution',
    resourceId: `arn:aws:cloudfront::${ACCOUNTS.production.id}:distribution/E2FERNHILLIMG`,
    name: 'images.fernhill.example',
    region: { id: 'global', name: 'Global' },
    tags: { app: 'storefront-web', team: 'storefront', env: 'production' },
    daily: 21.3,
    weekend: 1.35,
    unit: 'GB',
    quantity: 250,
    description: '$0.085 per GB data transfer out, Europe, first 10 TB',
  },
  {
    service: 'Elastic Load Balancing',
    category: 'Networking',
    subcategory: 'Load Balancing',
    resourceType: 'Load Balancer',
    resourceId: `arn:aws:elasticloadbalancing:eu-west-1:${ACCOUNTS.production.id}:loadbalancer/app/storefront-web/7c3d`,
    name: 'storefront-web',
    tags: { app: 'storefront-web', team: 'storefront', env: 'production' },
    daily: 3.1,
    weekend: 1.2,
    unit: 'LCU-Hrs',
    quantity: 140,
    description:
      '$0.0225 per Application LoadBalancer-hour (or partial hour), plus LCU-hours',
  },
  // Shared: no app tag, so the cost plugin shows it as unattributed.
  {
    service: 'Amazon Virtual Private Cloud',
    category: 'Networking',
    subcategory: 'Network Connectivity',
    resourceType: 'NAT Gateway',
    resourceId: `arn:aws:ec2:eu-west-1:${ACCOUNTS.production.id}:natgateway/nat-0fernhill1a2b3c`,
    name: 'eu-west-prod-nat-a',
    tags: { env: 'production', network: 'eu-west-prod', shared: 'true' },
    daily: 12.85,
    weekend: 0.85,
    unit: 'GB',
    quantity: 180,
    description: '$0.048 per NAT Gateway hour, plus $0.048 per GB processed',
  },
  {
    service: 'Amazon Elastic Kubernetes Service',
    category: 'Compute',
    subcategory: 'Containers',
    resourceType: 'Cluster',
    resourceId: `arn:aws:eks:eu-west-1:${ACCOUNTS.production.id}:cluster/eu-west-prod`,
    name: 'eu-west-prod',
    tags: { env: 'production', cluster: 'eu-west-prod' },
    daily: 2.4,
    unit: 'Hours',
    quantity: 24,
    description: '$0.10 per hour per Amazon EKS cluster',
  },
  {
    service: 'AWS Data Transfer',
    category: 'Networking',
    subcategory: 'Network Connectivity',
    resourceType: '',
    resourceId: '',
    name: '',
    tags: null,
    daily: 4.2,
    weekend: 0.8,
    unit: 'GB',
    quantity: 210,
    description:
      '$0.02 per GB, data transfer between Availability Zones, EU (Ireland)',
  },
];

const COLUMNS = [
  'AvailabilityZone',
  'BilledCost',
  'BillingAccountId',
  'BillingAccountName',
  'BillingCurrency',
  'BillingPeriodEnd',
  'BillingPeriodStart',
  'ChargeCategory',
  'ChargeClass',
  'ChargeDescription',
  'ChargeFrequency',
  'ChargePeriodEnd',
  'ChargePeriodStart',
  'CommitmentDiscountCategory',
  'CommitmentDiscountId',
  'CommitmentDiscountType',
  'ConsumedQuantity',
  'ConsumedUnit',
  'ContractedCost',
  'EffectiveCost',
  'InvoiceIssuerName',
  'ListCost',
  'PricingCategory',
  'ProviderName',
  'PublisherName',
  'RegionId',
  'RegionName',
  'ResourceId',
  'ResourceName',
  'ResourceType',
  'ServiceCategory',
  'ServiceName',
  'ServiceSubcategory',
  'SubAccountId',
  'SubAccountName',
  'Tags',
];

const SAVINGS_PLAN = `arn:aws:savingsplans::${PAYER.id}:savingsplan/7d1c0b5e-fern-4hil-b0db-2026dbsp0001`;
const COMPUTE_SAVINGS_PLAN = `arn:aws:savingsplans::${PAYER.id}:savingsplan/3e9a4f21-fern-4hil-c0mp-2026cosp0001`;

/**
 * The worker nodes of the two demo clusters (EKS managed node groups): the
 * machines the OpenCost stand-in prices (packages/opencost-local: 8 cores
 * and 32 GiB a node, 6 in eu-west-prod, 3 in eu-west-nonprod), at the
 * m6i.2xlarge on-demand price, covered by a Compute Savings Plan. Tagged
 * eks:cluster-name, so the cost plugin bills them to the clusters'
 * workloads in reconciliation instead of counting them twice.
 */
const NODE_GROUPS = [
  { cluster: 'eu-west-prod', nodes: 6, account: 'production' },
  { cluster: 'eu-west-nonprod', nodes: 3, account: 'staging' },
];
const nodes = NODE_GROUPS.flatMap(group =>
  Array.from({ length: group.nodes }, (_, n) => ({
    service: 'Amazon Elastic Compute Cloud',
    category: 'Compute',
    subcategory: 'Virtual Machines',
    resourceType: 'Instance',
    account: group.account,
    resourceId: `arn:aws:ec2:eu-west-1:${
      ACCOUNTS[group.account].id
    }:instance/i-0${group.cluster.length}f${n}e7a9c2b4d6f8${n}`,
    name: `${group.cluster}-general-${n + 1}`,
    tags: {
      'eks:cluster-name': group.cluster,
      'eks:nodegroup-name': 'general',
      env: group.account === 'production' ? 'production' : 'staging',
    },
    daily: 0.428 * 24,
    discount: 0.28,
    commitment: 'Compute Savings Plan',
    commitmentId: COMPUTE_SAVINGS_PLAN,
    unit: 'Hours',
    quantity: 24,
    description: '$0.428 per On Demand Linux m6i.2xlarge Instance Hour',
  })),
);

const cell = value => {
  const text = value === undefined || value === null ? '' : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const money = n => n.toFixed(6).replace(/\.?0+$/, '') || '0';

function billingPeriod(ms) {
  const d = new Date(ms);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { start, end };
}

const rows = [];
function row(values) {
  rows.push(COLUMNS.map(c => cell(values[c])).join(','));
}

/** One day's usage row of a resource, at `list` before its discount. */
function usage(r, ms, period, list) {
  const account = ACCOUNTS[r.account ?? 'production'];
  const region = r.region ?? REGION;
  const discounted = r.discount ? list * (1 - r.discount) : list;
  row({
    AvailabilityZone:
      r.resourceId && region.id !== 'global' ? 'eu-west-1a' : '',
    BilledCost: money(list),
    BillingAccountId: PAYER.id,
    BillingAccountName: PAYER.name,
    BillingCurrency: 'USD',
    BillingPeriodEnd: iso(period.end),
    BillingPeriodStart: iso(period.start),
    ChargeCategory: 'Usage',
    ChargeDescription: r.description,
    ChargeFrequency: 'Usage-Based',
    ChargePeriodEnd: iso(ms + DAY_MS),
    ChargePeriodStart: iso(ms),
    CommitmentDiscountCategory: r.discount ? 'Spend' : '',
    CommitmentDiscountId: r.discount ? r.commitmentId ?? SAVINGS_PLAN : '',
    CommitmentDiscountType: r.discount
      ? r.commitment ?? 'Database Savings Plan'
      : '',
    ConsumedQuantity: r.quantity.toFixed(3),
    ConsumedUnit: r.unit,
    ContractedCost: money(list),
    EffectiveCost: money(discounted),
    InvoiceIssuerName: 'Amazon Web Services EMEA SARL',
    ListCost: money(list),
    PricingCategory: r.discount ? 'Committed' : 'Standard',
    ProviderName: 'AWS',
    PublisherName: 'Amazon Web Services',
    RegionId: region.id,
    RegionName: region.name,
    ResourceId: r.resourceId,
    ResourceName: r.name,
    ResourceType: r.resourceType,
    ServiceCategory: r.category,
    ServiceName: r.service,
    ServiceSubcategory: r.subcategory,
    SubAccountId: account.id,
    SubAccountName: account.name,
    Tags: r.tags ? JSON.stringify(r.tags) : '',
  });
}

for (let ms = startMs, i = 0; ms < endMs; ms += DAY_MS, i++) {
  const weekday = new Date(ms).getUTCDay();
  const weekend = weekday === 0 || weekday === 6;
  const period = billingPeriod(ms);
  for (const r of resources) {
    const noise = 0.94 + rand() * 0.12;
    const trend = 1 + (r.growth ?? 0.0004) * i;
    usage(
      r,
      ms,
      period,
      r.daily * noise * trend * (weekend ? r.weekend ?? 1 : 1),
    );
  }
  // Instance hours do not vary: a node runs all day.
  for (const r of nodes) usage(r, ms, period, r.daily);
  // AWS Support (Business): one charge for the whole month, billed on its
  // first day; the cost plugin spreads it over the month's days.
  if (ms === period.start || ms === startMs) {
    const monthStart = Math.max(period.start, startMs);
    const monthEnd = Math.min(period.end, endMs);
    const fee = 540 * ((monthEnd - monthStart) / (period.end - period.start));
    row({
      BilledCost: money(fee),
      BillingAccountId: PAYER.id,
      BillingAccountName: PAYER.name,
      BillingCurrency: 'USD',
      BillingPeriodEnd: iso(period.end),
      BillingPeriodStart: iso(period.start),
      ChargeCategory: 'Purchase',
      ChargeDescription:
        'AWS Support (Business), monthly fee: the greater of $100 or 10% of monthly usage',
      ChargeFrequency: 'Recurring',
      ChargePeriodEnd: iso(monthEnd),
      ChargePeriodStart: iso(monthStart),
      ContractedCost: money(fee),
      EffectiveCost: money(fee),
      InvoiceIssuerName: 'Amazon Web Services EMEA SARL',
      ListCost: money(fee),
      PricingCategory: 'Standard',
      ProviderName: 'AWS',
      PublisherName: 'Amazon Web Services',
      ServiceCategory: 'Management and Governance',
      ServiceName: 'AWS Support (Business)',
      ServiceSubcategory: 'Support',
      SubAccountId: PAYER.id,
      SubAccountName: PAYER.name,
    });
  }
}

// Gzipped, as AWS Data Exports write it (Node's gzip header has no time,
// so the bytes stay the same).
writeFileSync(
  OUT,
  gzipSync(`${COLUMNS.join(',')}\n${rows.join('\n')}\n`, { level: 9 }),
);
console.log(
  `Wrote ${rows.length} FOCUS rows for ${dayOf(startMs)} to ${dayOf(
    endMs - DAY_MS,
  )} to ${OUT}`,
);
