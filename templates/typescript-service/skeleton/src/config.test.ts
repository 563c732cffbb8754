import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('has safe defaults', () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.serviceName, '${{ values.name }}');
    assert.equal(config.otlpEndpoint, undefined);
    assert.equal(config.logLevel, 'info');
  });

  it('reads the environment', () => {
    const config = loadConfig({
      PORT: '9000',
      OTEL_SERVICE_NAME: 'other',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      LOG_LEVEL: 'debug',
      DEPLOYMENT_ENVIRONMENT: 'staging',
    });
    assert.equal(config.port, 9000);
    assert.equal(config.serviceName, 'other');
    assert.equal(config.otlpEndpoint, 'http://collector:4318');
    assert.equal(config.environment, 'staging');
  });

  it('rejects bad values', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
    assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
  });
});
