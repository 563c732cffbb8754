import { Entity } from '@backstage/catalog-model';
import { runbookLocation } from './runbook';

function component(runbook?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'search-service',
      annotations:
        runbook === undefined ? {} : { 'paved.dev/runbook': runbook },
    },
  };
}

describe('runbookLocation', () => {
  it('reads a page of the docs site, with or without .md', () => {
    expect(runbookLocation(component('runbook'))).toEqual({
      kind: 'techdocs',
      path: 'runbook',
    });
    expect(runbookLocation(component('./ops/runbook.md#rollback'))).toEqual({
      kind: 'techdocs',
      path: 'ops/runbook#rollback',
    });
  });

  it('reads an absolute https URL', () => {
    expect(
      runbookLocation(component('https://wiki.example/runbooks/search')),
    ).toEqual({ kind: 'url', url: 'https://wiki.example/runbooks/search' });
  });

  it('refuses what could run script or leave the docs site', () => {
    for (const value of [
      // eslint-disable-next-line no-script-url
      'javascript:alert(1)',
      'http://plain.example/runbook',
      '../../other/runbook',
      'ops/../../secrets',
      '//evil.example/runbook',
      'data:text/html,hi',
    ]) {
      expect(runbookLocation(component(value))).toBeUndefined();
    }
  });

  it('is absent when the annotation is missing or empty', () => {
    expect(runbookLocation(component())).toBeUndefined();
    expect(runbookLocation(component('  '))).toBeUndefined();
  });
});
