// Small shared pieces of the chart views: a width-measuring hook and the chart palette.
import { useLayoutEffect, useRef, useState } from 'react';

export const SERIES_COLORS = ['#4f95ff', '#3fb950', '#e3b341', '#a371f7', '#ff7b72'];

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
