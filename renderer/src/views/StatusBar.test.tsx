// @vitest-environment jsdom
// Component test: the status bar's events and rate are the probes' output (printf lines,
// print()s), not every line decoded (map snapshots), and it says so.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useSession } from '../state/session.js';
import { StatusBar } from './StatusBar.js';

const status = (over: Record<string, unknown>) => ({
  state: 'exited' as const,
  startedAt: '2026-12-04T00:00:00.000Z',
  elapsedMs: 2000,
  attachedProbes: 2,
  events: 500,
  printfLines: 20,
  lostEvents: 0,
  exit: { code: 0, signal: null },
  ...over,
});

describe('StatusBar', () => {
  afterEach(cleanup);

  it('counts output events and their rate, and names what it counts', () => {
    act(() => useSession.setState({ phase: 'exited', status: status({ outputEvents: 24 }), statusAt: 0, replay: null }));
    render(<StatusBar />);
    expect(screen.getByTestId('status-events').textContent).toBe('24');
    expect(screen.getByTestId('status-rate').textContent).toBe('12.0/s');
    expect(screen.getByTestId('status-events-what').textContent).toMatch(/printf · print/);
    expect(screen.getByTestId('status-events-item').getAttribute('title')).toMatch(/Not counted: kscope's periodic map snapshots/);
  });

  it('falls back to every decoded event from a host that does not count output', () => {
    act(() => useSession.setState({ phase: 'exited', status: status({}), statusAt: 0, replay: null }));
    render(<StatusBar />);
    expect(screen.getByTestId('status-events').textContent).toBe('500');
    expect(screen.getByTestId('status-events-what').textContent).toBe('all lines');
  });
});
