// The button in a pane's header that makes the pane fill the window (and back).
import { useLayout, type PaneId } from './store.js';

function Icon({ restore }: { restore: boolean }) {
  // Drawn, not a glyph: the window-control characters are missing from common fonts.
  return restore ? (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
      <rect x="1.5" y="3.5" width="7" height="7" fill="none" stroke="currentColor" />
      <path d="M3.5 3.5V1.5h7v7h-2" fill="none" stroke="currentColor" />
    </svg>
  ) : (
    <svg width="12" height="12" viewBox="0 0 12 12" aria-hidden="true">
      <rect x="1.5" y="1.5" width="9" height="9" fill="none" stroke="currentColor" />
      <path d="M1.5 3.5h9" stroke="currentColor" />
    </svg>
  );
}

export function MaximizeButton({ pane, label }: { pane: PaneId; label: string }) {
  const maximized = useLayout((s) => s.maximized === pane);
  const toggle = useLayout((s) => s.toggleMaximized);
  const title = maximized ? 'Restore the layout (Ctrl+Shift+M)' : `Maximize ${label} to fill the window (Ctrl+Shift+M)`;
  return (
    <button
      className={`icon-button pane-max${maximized ? ' on' : ''}`}
      data-testid={`maximize-${pane}`}
      aria-pressed={maximized}
      aria-label={title}
      title={title}
      onClick={() => toggle(pane)}
    >
      <Icon restore={maximized} />
    </button>
  );
}
