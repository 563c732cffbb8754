import { ConfigReader } from '@backstage/config';
import { readGoldenPathPublishConfig } from './config';

describe('readGoldenPathPublishConfig', () => {
  const defaults = {
    cwd: '/srv/paved/packages/backend',
    defaultDirectory: () => '/srv/paved/.paved/repositories',
  };

  it('defaults to local repositories under the repo root', () => {
    expect(readGoldenPathPublishConfig(new ConfigReader({}), defaults)).toEqual(
      {
        target: 'local',
        directory: '/srv/paved/.paved/repositories',
      },
    );
  });

  it('resolves a relative directory against the working directory', () => {
    const config = new ConfigReader({
      paved: {
        goldenPath: {
          publish: { local: { directory: '../../.paved/repositories' } },
        },
      },
    });
    expect(readGoldenPathPublishConfig(config, defaults).directory).toBe(
      '/srv/paved/.paved/repositories',
    );
  });

  it('reads the github target', () => {
    const config = new ConfigReader({
      paved: {
        goldenPath: {
          publish: { target: 'github', github: { owner: 'fernhill' } },
        },
      },
    });
    expect(readGoldenPathPublishConfig(config, defaults)).toEqual({
      target: 'github',
      directory: '/srv/paved/.paved/repositories',
      host: 'github.com',
      owner: 'fernhill',
      repoVisibility: 'private',
    });
  });

  it('rejects an unknown visibility', () => {
    const config = new ConfigReader({
      paved: {
        goldenPath: {
          publish: {
            target: 'github',
            github: { owner: 'fernhill', repoVisibility: 'secret' },
          },
        },
      },
    });
    expect(() => readGoldenPathPublishConfig(config, defaults)).toThrow(
      /repoVisibility 'secret'/,
    );
  });
});
