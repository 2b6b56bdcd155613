// @vitest-environment jsdom
// Component test: the run options popover generates one field per $N the script reads, says
// what is missing, and the form's values become the run's options.
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useEditor } from '../state/editor.js';
import { RunOptionsButton } from './RunOptionsButton.js';
import { formOptions, useRunOptions } from './store.js';

describe('RunOptionsButton', () => {
  beforeEach(() => {
    localStorage.clear();
    act(() => {
      useRunOptions.getState().clear();
      useRunOptions.getState().setOpen(false);
      useEditor.getState().setSource('kprobe:x /pid == $1/ { printf("%s\\n", str($3)); }', null);
    });
  });
  afterEach(cleanup);

  it('asks for $1..$3 and names the missing ones', () => {
    render(<RunOptionsButton />);
    fireEvent.click(screen.getByTestId('run-options-button'));
    expect(screen.getByTestId('run-options')).toBeTruthy();
    expect(screen.queryByTestId('run-arg-1')).toBeTruthy();
    expect(screen.queryByTestId('run-arg-3')).toBeTruthy();
    expect(screen.queryByTestId('run-arg-4')).toBeNull();
    expect((screen.getByTestId('run-arg-2') as HTMLInputElement).placeholder).toMatch(/not read/);
    expect(screen.getByTestId('run-options-problems').textContent).toMatch(/\$1, \$3/);

    fireEvent.change(screen.getByTestId('run-arg-1'), { target: { value: '1234' } });
    fireEvent.change(screen.getByTestId('run-arg-3'), { target: { value: 'a b' } });
    fireEvent.change(screen.getByTestId('run-duration'), { target: { value: '2.5' } });
    expect(screen.queryByTestId('run-options-problems')).toBeNull();
    const { options, problems } = formOptions(useRunOptions.getState(), useEditor.getState().source);
    expect(problems).toEqual([]);
    expect(options).toEqual({ args: ['1234', '', 'a b'], durationSec: 2.5, unsafe: false });
    // The badge counts what is set; the form is remembered except for unsafe.
    expect(screen.getByTestId('run-options-button').textContent).toMatch(/Options\s*2/);
    expect(JSON.parse(localStorage.getItem('kscope.runOptions')!)).toMatchObject({ args: ['1234', '', 'a b'], durationSec: '2.5' });
  });

  it('refuses a bad PID and -p with -c', () => {
    render(<RunOptionsButton />);
    fireEvent.click(screen.getByTestId('run-options-button'));
    fireEvent.change(screen.getByTestId('run-pid'), { target: { value: '12x' } });
    expect(screen.getByTestId('run-options-problems').textContent).toMatch(/process id/);
    fireEvent.change(screen.getByTestId('run-pid'), { target: { value: '42' } });
    fireEvent.change(screen.getByTestId('run-command'), { target: { value: 'ls' } });
    expect(screen.getByTestId('run-options-problems').textContent).toMatch(/not both/);
  });
});
