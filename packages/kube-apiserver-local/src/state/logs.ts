/**
 * Pod logs: the lines a scenario gives, or plausible ones generated from
 * the container's start (a crash-looping one ends with its fatal error).
 */
export class PodLogs {
  readonly #lines = new Map<string, string[]>();

  set(namespace: string, pod: string, container: string, lines: string[]) {
    this.#lines.set(`${namespace}/${pod}/${container}`, lines);
  }

  get(namespace: string, pod: string, container: string) {
    return this.#lines.get(`${namespace}/${pod}/${container}`);
  }
}

export function defaultLogs(
  container: string,
  start: number,
  crashing: boolean,
): string[] {
  const at = (ms: number) => new Date(start + ms).toISOString();
  const lines = [
    `${at(0)} INFO  ${container} starting (node ${process.version.replace(
      /^v/,
      '',
    )})`,
    `${at(420)} INFO  config loaded from /etc/${container}/config.yaml`,
    `${at(910)} INFO  connected to database pool (size=10)`,
  ];
  if (crashing) {
    lines.push(
      `${at(
        1330,
      )} ERROR failed to connect to kafka broker kafka-0.kafka:9092: connect ECONNREFUSED 10.100.3.17:9092`,
      `${at(1331)} ERROR Error: connect ECONNREFUSED 10.100.3.17:9092`,
      `    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)`,
      `${at(1340)} FATAL ${container} exiting with code 1`,
    );
  } else {
    lines.push(`${at(1200)} INFO  listening on :8080`);
    for (let i = 1; i <= 6; i++) {
      lines.push(
        `${at(1200 + i * 15000)} INFO  GET /healthz 200 ${2 + (i % 3)}ms`,
      );
    }
  }
  return lines;
}
