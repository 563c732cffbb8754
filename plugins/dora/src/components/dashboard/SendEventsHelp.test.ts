import { deploymentEventSchema } from '@paved/plugin-dora-common';
import { curlCommand } from './SendEventsHelp';

describe('curlCommand', () => {
  it('posts one deployment event the event API accepts', () => {
    const command = curlCommand({
      eventsUrl: 'https://paved.example/api/dora/events',
      service: 'component:default/basil-ui',
      environment: 'staging',
      now: new Date('2026-11-26T10:06:30.000Z'),
    });
    const lines = command.split('\n');
    expect(lines[0]).toBe(
      'curl -X POST "https://paved.example/api/dora/events" \\',
    );
    expect(lines.at(-1)).toBe('EOF');
    // The heredoc between `<<'EOF'` and `EOF` is the request body.
    const body = JSON.parse(lines.slice(4, -1).join('\n'));
    expect(body.events).toHaveLength(1);
    const parsed = deploymentEventSchema.safeParse(body.events[0]);
    expect(parsed.success).toBe(true);
    expect(body.events[0]).toMatchObject({
      service: 'component:default/basil-ui',
      environment: 'staging',
      startedAt: '2026-11-26T10:00:00.000Z',
      finishedAt: '2026-11-26T10:06:00.000Z',
    });
  });
});
