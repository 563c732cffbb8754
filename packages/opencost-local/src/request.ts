import { AllocationQuery, parseAggregate } from './allocation';
import { OpenCostHttpError } from './errors';
import { parseDuration, parseWindow } from './window';

/** The paths OpenCost answers allocation queries on. */
export const ALLOCATION_PATHS = new Set([
  '/allocation',
  '/allocation/compute',
  // The OpenCost UI proxies the API under /model/.
  '/model/allocation',
  '/model/allocation/compute',
]);

/** A boolean query parameter as Go's `strconv.ParseBool` mostly reads it. */
function flag(value: string | null, fallback: boolean) {
  if (value === null) return fallback;
  return value.toLowerCase() === 'true' || value === '1';
}

/**
 * The allocation query of a request's parameters, validated as OpenCost
 * does; throws the error OpenCost answers with.
 */
export function allocationQueryOf(
  params: URLSearchParams,
  now: number,
): AllocationQuery {
  const window = parseWindow(params.get('window') ?? '', now);
  const aggregate = parseAggregate(params.get('aggregate'));
  const includeIdle = flag(params.get('includeIdle'), false);
  if (
    flag(params.get('includeProportionalAssetResourceCosts'), false) &&
    !includeIdle
  ) {
    throw new OpenCostHttpError(400, {
      code: 400,
      status: '',
      data: null,
      message:
        'Error: bad request - includeIdle must be set true if includeProportionalAssetResourceCosts is true',
    });
  }
  return {
    window,
    step: parseDuration(params.get('step')),
    aggregate,
    // accumulateBy=all is the newer spelling of accumulate=true.
    accumulate:
      flag(params.get('accumulate'), false) ||
      params.get('accumulateBy') === 'all',
    includeIdle,
    shareIdle: flag(params.get('shareIdle'), false),
    includeAggregatedMetadata: flag(
      params.get('includeAggregatedMetadata'),
      false,
    ),
  };
}
