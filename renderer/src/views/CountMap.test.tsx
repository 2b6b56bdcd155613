// @vitest-environment jsdom
// Component test: a count map's filter narrows the rows, and Copy TSV / Copy MD put exactly
// those rows (keys as bpftrace printed them, values unrounded) on the clipboard.
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MapEvent } from '../../../common/contract/index.js';
import { CountMap } from './CountMap.js';

const map: MapEvent = {
  type: 'map',
  t: 1000,
  name: '@bytes',
  snapshot: false,
  entries: [
    { key: 'bash,2', value: 1234567 },
    { key: 'sshd|x,3', value: 42 },
    { key: 'bashful,4', value: 7 },
  ],
};

describe('CountMap', () => {
  let copied: string[];
  beforeEach(() => {
    copied = [];
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText: async (t: string) => void copied.push(t) } });
  });
  afterEach(cleanup);

  it('copies the filtered rows as TSV and Markdown', async () => {
    render(<CountMap map={map} />);
    expect(screen.getByText('3 keys')).toBeTruthy();
    fireEvent.change(screen.getByTestId('map-filter'), { target: { value: 'BASH' } });
    expect(screen.getByText('2 of 3')).toBeTruthy();
    fireEvent.click(screen.getByTestId('map-copy-tsv'));
    await waitFor(() => expect(copied).toHaveLength(1));
    expect(copied[0]).toBe('key\trate/s\tvalue\nbash,2\t\t1234567\nbashful,4\t\t7\n');
    fireEvent.change(screen.getByTestId('map-filter'), { target: { value: 'sshd' } });
    fireEvent.click(screen.getByTestId('map-copy-md'));
    await waitFor(() => expect(copied).toHaveLength(2));
    expect(copied[1]).toBe('| key | rate/s | value |\n| --- | ---: | ---: |\n| sshd\\|x,3 |  | 42 |\n');
  });
});
