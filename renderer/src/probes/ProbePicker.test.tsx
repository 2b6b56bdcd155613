// @vitest-environment jsdom
// Component test: the picker lists the host's processes, narrows them as you type, opens one
// to its executable and libraries, and picking one sets the target (with the PID) and
// remembers the binary; a typed path is offered too. The host is a stub answering the two
// contract calls the picker makes.
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KscopeClient } from '../../../common/contract/index.js';
import { useConnection } from '../state/connection.js';
import { ProbePicker, TargetBar } from './ProbePicker.js';
import { useTarget } from './target.js';

const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const processes = [
  { pid: 1, comm: 'systemd', exe: '/usr/lib/systemd/systemd', cmdline: '/sbin/init', uid: 0 },
  { pid: 4242, comm: 'kscope-napper', exe: '/usr/bin/sleep', cmdline: '/tmp/kscope-napper 600', uid: 0 },
];
const asked: number[] = [];
const client = {
  listProcesses: async () => ({ processes, notes: ['61 kernel threads not shown (they have no executable to put a uprobe in)'] }),
  processObjects: async ({ pid }: { pid: number }) => {
    asked.push(pid);
    return { ...processes[1]!, objects: [{ path: '/usr/bin/sleep', kind: 'executable' as const }, { path: LIBC, kind: 'library' as const }], notes: [] };
  },
} as unknown as KscopeClient;

function Browser() {
  const open = useTarget((s) => s.pickerOpen);
  return (
    <>
      <TargetBar />
      {open ? <ProbePicker /> : null}
    </>
  );
}

describe('ProbePicker', () => {
  beforeEach(() => {
    localStorage.clear();
    asked.length = 0;
    act(() => {
      useConnection.setState({ client });
      useTarget.setState({ target: null, pickerOpen: false, filter: '', processes: null, expanded: null, objects: null, objectsError: null, recent: [] });
    });
  });
  afterEach(cleanup);

  it('lists processes, filters them, opens one to its objects, and picks its libc with the PID', async () => {
    render(<Browser />);
    fireEvent.click(screen.getByTestId('probe-target-button'));
    await waitFor(() => expect(screen.getAllByTestId('probe-picker-process')).toHaveLength(2));
    expect(screen.getByText(/kernel threads not shown/)).toBeTruthy();
    fireEvent.change(screen.getByTestId('probe-picker-filter'), { target: { value: 'napper' } });
    const rows = screen.getAllByTestId('probe-picker-process');
    expect(rows.map((r) => r.getAttribute('data-pid'))).toEqual(['4242']);
    fireEvent.click(rows[0]!);
    await waitFor(() => expect(screen.getAllByTestId('probe-picker-object')).toHaveLength(2));
    expect(asked).toEqual([4242]);
    fireEvent.click(screen.getAllByTestId('probe-picker-object').find((b) => b.getAttribute('data-path') === LIBC)!);
    expect(useTarget.getState().target).toEqual({ binary: LIBC, pid: 4242, comm: 'kscope-napper' });
    expect(screen.queryByTestId('probe-picker')).toBeNull();
    expect(screen.getByTestId('probe-target').textContent).toContain('libc.so.6 of kscope-napper (PID 4242)');
    expect(JSON.parse(localStorage.getItem('kscope.recentBinaries')!)).toEqual([LIBC]);
    fireEvent.click(screen.getByTestId('probe-target-clear'));
    expect(useTarget.getState().target).toBeNull();
  });

  it('offers a typed path (Enter browses it) and the recent binaries; Esc clears the filter, then closes', async () => {
    act(() => useTarget.setState({ recent: ['/bin/bash'] }));
    render(<Browser />);
    fireEvent.click(screen.getByTestId('probe-target-button'));
    expect(screen.getByTestId('probe-picker-recent').getAttribute('data-path')).toBe('/bin/bash');
    const filter = screen.getByTestId('probe-picker-filter');
    fireEvent.change(filter, { target: { value: '/usr/bin/python3' } });
    expect(screen.getByTestId('probe-picker-path').textContent).toContain('/usr/bin/python3');
    fireEvent.keyDown(filter, { key: 'Escape' });
    expect(useTarget.getState().filter).toBe('');
    fireEvent.change(filter, { target: { value: '/usr/bin/python3' } });
    fireEvent.keyDown(filter, { key: 'Enter' });
    expect(useTarget.getState().target).toEqual({ binary: '/usr/bin/python3', pid: null, comm: null });
    expect(useTarget.getState().recent).toEqual(['/usr/bin/python3', '/bin/bash']);
    fireEvent.click(screen.getByTestId('probe-target-button'));
    fireEvent.keyDown(screen.getByTestId('probe-picker-filter'), { key: 'Escape' });
    expect(screen.queryByTestId('probe-picker')).toBeNull();
  });
});
