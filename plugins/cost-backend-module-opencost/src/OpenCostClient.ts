/**
 * The parts of OpenCost's `/allocation` response this module reads
 * (`AllocationJSON` in opencost/core/pkg/opencost/allocation_json.go).
 * Numbers are null when OpenCost could not compute them (NaN).
 */
export interface OpenCostAllocation {
  name: string;
  properties?: {
    cluster?: string;
    namespace?: string;
    controller?: string;
    controllerKind?: string;
    labels?: Record<string, string>;
  };
  window: { start: string; end: string };
  cpuCoreHours?: number | null;
  cpuCost?: number | null;
  cpuCostAdjustment?: number | null;
  cpuEfficiency?: number | null;
  gpuCost?: number | null;
  gpuCostAdjustment?: number | null;
  networkCost?: number | null;
  networkCostAdjustment?: number | null;
  loadBalancerCost?: number | null;
  loadBalancerCostAdjustment?: number | null;
  pvCost?: number | null;
  pvCostAdjustment?: number | null;
  ramByteHours?: number | null;
  ramCost?: number | null;
  ramCostAdjustment?: number | null;
  ramEfficiency?: number | null;
  sharedCost?: number | null;
  externalCost?: number | null;
  totalCost?: number | null;
  totalEfficiency?: number | null;
}

/** One step of the response: allocations by their aggregation key. */
export type OpenCostAllocationSet = Record<string, OpenCostAllocation>;

/** OpenCost did not answer with allocations; the message says why. */
export class OpenCostError extends Error {
  name = 'OpenCostError';
}

export interface AllocationRequest {
  /** ISO instants; the window is [start, end). */
  start: string;
  end: string;
  step: string;
  aggregate: string;
}

const DEFAULT_TIMEOUT_MS = 120_000;

function snippet(text: string) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

/** A client of one OpenCost instance's allocation API. */
export class OpenCostClient {
  readonly #baseUrl: string;
  readonly #token?: string;
  readonly #timeoutMs: number;

  static create(options: {
    baseUrl: string;
    token?: string;
    /** Per request; default 120 s. */
    requestTimeoutMs?: number;
  }) {
    return new OpenCostClient(
      options.baseUrl,
      options.token,
      options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    );
  }

  private constructor(
    baseUrl: string,
    token: string | undefined,
    timeoutMs: number,
  ) {
    this.#baseUrl = baseUrl.replace(/\/+$/, '');
    this.#token = token;
    this.#timeoutMs = timeoutMs;
  }

  /** The request URL; carries no secret, so it may be logged. */
  url(request: AllocationRequest) {
    const query = new URLSearchParams({
      window: `${request.start.replace(/\.\d{3}Z$/, 'Z')},${request.end.replace(
        /\.\d{3}Z$/,
        'Z',
      )}`,
      aggregate: request.aggregate,
      step: request.step,
      includeIdle: 'true',
      accumulate: 'false',
      // Without it OpenCost drops the labels of merged pods, and the cost
      // backend could not attribute multi-replica workloads.
      includeAggregatedMetadata: 'true',
    });
    return `${this.#baseUrl}/allocation?${query}`;
  }

  /** The allocation sets of the window, one per step, oldest first. */
  async allocation(
    request: AllocationRequest,
    signal?: AbortSignal,
  ): Promise<OpenCostAllocationSet[]> {
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    let res: Response;
    try {
      res = await fetch(this.url(request), {
        headers: {
          accept: 'application/json',
          ...(this.#token ? { authorization: `Bearer ${this.#token}` } : {}),
        },
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (e) {
      throw new OpenCostError(`request failed: ${(e as Error).message}`);
    }
    const text = await res.text();
    if (!res.ok) {
      throw new OpenCostError(`HTTP ${res.status}: ${snippet(text)}`);
    }
    let body: {
      code?: unknown;
      status?: unknown;
      message?: unknown;
      data?: unknown;
    } | null;
    try {
      body = JSON.parse(text);
    } catch {
      throw new OpenCostError(`response is not JSON: ${snippet(text)}`);
    }
    // OpenCost can answer HTTP 200 with an error in the body.
    if (body?.code !== 200 || (body.status && body.status !== 'success')) {
      throw new OpenCostError(
        `error response (code ${body?.code ?? 'missing'}): ${
          body?.message ?? snippet(text)
        }`,
      );
    }
    if (
      !Array.isArray(body.data) ||
      body.data.some(
        (s: unknown) => !s || typeof s !== 'object' || Array.isArray(s),
      )
    ) {
      throw new OpenCostError('response data is not a list of allocation sets');
    }
    return body.data as OpenCostAllocationSet[];
  }
}
