import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { silentLogger } from './log.ts';
import { startTelemetry } from './telemetry.ts';

describe('startTelemetry', () => {
  it('is disabled cleanly without OTEL_EXPORTER_OTLP_ENDPOINT', async () => {
    const env: NodeJS.ProcessEnv = {};
    const telemetry = await startTelemetry({ otlpEndpoint: undefined, serviceName: 'x' }, silentLogger, env);
    assert.equal(telemetry.enabled, false);
    assert.deepEqual(env, {}, 'leaves the environment alone');
    await telemetry.shutdown();
  });
});
