// Small shared pieces of the chart views: a width-measuring hook (the palette: theme/palette.ts).
import { useLayoutEffect, useRef, useState } from 'react';

/** The element's content width, kept up to date (charts size themselves from it). */
export function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}
