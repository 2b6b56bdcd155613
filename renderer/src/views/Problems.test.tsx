// @vitest-environment jsdom
// Component test: a run's problems point into the text it ran; once the script is edited
// they are marked "earlier run" and no longer jump to a line that may have moved.
import { act, cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { useEditor } from '../state/editor.js';
import { useRunSource } from '../state/run-source.js';
import { useSession } from '../state/session.js';
import { Problems } from './Problems.js';

describe('Problems', () => {
  afterEach(cleanup);

  it('marks the last run\'s problems stale after an edit', () => {
    const ran = 'BEGIN\n{\n  @x = nosuchfunc(1);\n}\n';
    act(() => {
      useEditor.getState().setSource(ran, null);
      useRunSource.setState({ source: ran });
      useSession.setState({ errors: [{ type: 'error', t: 0, message: 'Unknown function: nosuchfunc', line: 3, column: 8 }], warnings: [], runError: null });
    });
    render(<Problems />);
    const p = screen.getByTestId('problem');
    expect(p.getAttribute('data-stale')).toBeNull();
    expect(p.getAttribute('role')).toBe('button');

    act(() => useEditor.getState().setSource('// a new first line\n' + ran));
    const q = screen.getByTestId('problem');
    expect(q.getAttribute('data-stale')).toBe('true');
    expect(q.getAttribute('role')).toBeNull();
    expect(q.textContent).toMatch(/earlier run/);
  });
});
