/** An error the real API answers with; `body` is text or a JSON object. */
export class OpenCostHttpError extends Error {
  constructor(readonly status: number, readonly body: string | object) {
    super(typeof body === 'string' ? body : JSON.stringify(body));
  }
}

/** What `WriteError` in OpenCost's router writes: JSON with the message. */
export function openCostError(status: number, message: string) {
  return new OpenCostHttpError(status, {
    code: status,
    status: '',
    data: null,
    message: `Error: ${message}`,
  });
}
