import { act, renderHook, waitFor } from '@testing-library/react';
import { usePolledStatus, type PolledState } from './usePolledStatus';

describe('usePolledStatus', () => {
  it('refreshes in place, and keeps the last good read when a refresh fails', async () => {
    const answers: Array<() => Promise<string>> = [
      async () => 'first',
      async () => 'second',
      async () => {
        throw new Error('backend restarting');
      },
    ];
    let reads = 0;
    const load = () => {
      const answer = answers[Math.min(reads, answers.length - 1)];
      reads += 1;
      return answer();
    };
    const seen: Array<PolledState<string>> = [];
    const { result, unmount } = renderHook(() => {
      const state = usePolledStatus(load, 150);
      seen.push(state);
      return state;
    });

    await waitFor(
      () => expect(result.current.error?.message).toBe('backend restarting'),
      { timeout: 3000 },
    );
    expect(result.current.value).toBe('second');
    const values = seen
      .map(s => s.value)
      .filter((v, i, all) => i === 0 || v !== all[i - 1]);
    expect(values).toEqual([undefined, 'first', 'second']);
    expect(result.current.updatedAt).toBeInstanceOf(Date);

    // Once there was a value, no render went back to loading or to nothing:
    // the page never flickers to a spinner.
    const afterFirst = seen.slice(seen.findIndex(s => s.value === 'first'));
    expect(afterFirst.every(s => !s.loading && s.value)).toBe(true);
    unmount();
  });

  it('stops reading when unmounted', async () => {
    let reads = 0;
    const load = async () => {
      reads += 1;
      return reads;
    };
    const { result, unmount } = renderHook(() => usePolledStatus(load, 150));
    await waitFor(() => expect(result.current.value).toBe(1));
    unmount();
    const after = reads;
    await act(() => new Promise(resolve => setTimeout(resolve, 400)));
    expect(reads).toBe(after);
  });
});
