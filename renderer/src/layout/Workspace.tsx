// The resizable workspace: script and problems on the left, flame graphs, maps and output on
// the right; every splitter can be dragged (or moved with the arrow keys when focused), and
// the sizes are remembered across reloads. One pane can be maximized to fill the area
// (position: fixed over it, so the editor and charts keep their state).
import { useEffect, useRef, type ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { useLayout, type PaneId } from './store.js';
import './layout.css';

// Panel ids are prefixed: the library also sets them as the element's id and data-testid,
// which must not collide with the views' own (data-testid="problems" is the Problems list).

export interface WorkspaceProps {
  editor: ReactNode;
  problems: ReactNode;
  /** Null when the run has no stack maps: no flame pane then. */
  flame: ReactNode | null;
  maps: ReactNode;
  output: ReactNode;
}

function storage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}

function Slot({ id, children }: { id: PaneId; children: ReactNode }) {
  const maximized = useLayout((s) => s.maximized);
  const cls = maximized === id ? 'pane-slot pane-maximized' : maximized ? 'pane-slot pane-behind' : 'pane-slot';
  return (
    <div className={cls} data-pane={id}>
      {children}
    </div>
  );
}

function Splitter({ testId, vertical }: { testId: string; vertical?: boolean }) {
  return <Separator className={vertical ? 'splitter splitter-v' : 'splitter'} data-testid={testId} />;
}

export function Workspace({ editor, problems, flame, maps, output }: WorkspaceProps) {
  const mainLayout = useDefaultLayout({ id: 'kscope-main', storage: storage() });
  const leftLayout = useDefaultLayout({ id: 'kscope-left', storage: storage() });
  // Separate layouts with and without the flame pane (a run with stacks, one without).
  const rightId = flame ? 'kscope-right-flame' : 'kscope-right';
  const rightLayout = useDefaultLayout({ id: rightId, storage: storage() });
  const area = useRef<HTMLDivElement>(null);
  const maximized = useLayout((s) => s.maximized);
  const restore = useLayout((s) => s.restore);

  // The maximized pane covers exactly this area (it is fixed, so it needs the numbers).
  useEffect(() => {
    const el = area.current;
    if (!el) return;
    // The whole main area (the probe browser's too): a maximized flame graph gets the full width.
    const whole = (el.closest('.main') as HTMLElement | null) ?? el;
    const place = () => {
      const r = whole.getBoundingClientRect();
      el.style.setProperty('--area-top', `${r.top}px`);
      el.style.setProperty('--area-left', `${r.left}px`);
      el.style.setProperty('--area-width', `${r.width}px`);
      el.style.setProperty('--area-height', `${r.height}px`);
    };
    place();
    const ro = new ResizeObserver(place);
    ro.observe(whole);
    ro.observe(document.body);
    window.addEventListener('resize', place);
    return () => {
      ro.disconnect();
      window.removeEventListener('resize', place);
    };
  }, []);
  // A maximized flame pane whose run has no stacks any more: nothing to show; restore.
  useEffect(() => {
    if (maximized === 'flame' && !flame) restore();
  }, [maximized, flame, restore]);

  return (
    <div className={`workspace${maximized ? ' has-maximized' : ''}`} ref={area} data-testid="workspace">
      <Group orientation="horizontal" id="kscope-main" className="ws-group" defaultLayout={mainLayout.defaultLayout} onLayoutChanged={mainLayout.onLayoutChanged}>
        <Panel id="ws-left" defaultSize="46%" minSize="22%" className="ws-panel">
          <Group orientation="vertical" id="kscope-left" className="ws-group" defaultLayout={leftLayout.defaultLayout} onLayoutChanged={leftLayout.onLayoutChanged}>
            <Panel id="ws-editor" minSize={120} className="ws-panel">
              <Slot id="editor">{editor}</Slot>
            </Panel>
            <Splitter testId="splitter-problems" vertical />
            <Panel id="ws-problems" defaultSize="22%" minSize={56} className="ws-panel">
              <Slot id="problems">{problems}</Slot>
            </Panel>
          </Group>
        </Panel>
        <Splitter testId="splitter" />
        <Panel id="ws-right" minSize="25%" className="ws-panel">
          <Group key={rightId} orientation="vertical" id={rightId} className="ws-group" defaultLayout={rightLayout.defaultLayout} onLayoutChanged={rightLayout.onLayoutChanged}>
            {flame ? (
              <>
                <Panel id="ws-flame" defaultSize="58%" minSize={140} className="ws-panel">
                  <Slot id="flame">{flame}</Slot>
                </Panel>
                <Splitter testId="splitter-flame" vertical />
              </>
            ) : null}
            <Panel id="ws-maps" defaultSize={flame ? '22%' : '58%'} minSize={60} className="ws-panel">
              <Slot id="maps">{maps}</Slot>
            </Panel>
            <Splitter testId="splitter-maps" vertical />
            <Panel id="ws-output" defaultSize={flame ? '20%' : '42%'} minSize={60} className="ws-panel">
              <Slot id="output">{output}</Slot>
            </Panel>
          </Group>
        </Panel>
      </Group>
    </div>
  );
}
