// A windowed list: only the rows in view (plus a margin) are in the DOM, so 1,000 or 10,000
// rows cost the same to render and scroll. Fixed row height keeps the arithmetic exact. The
// keyboard belongs to the enclosing grid; this only keeps its active row in view.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface VirtualListProps<T> {
  items: readonly T[];
  rowHeight: number;
  /** Rows rendered beyond each edge of the view. */
  overscan?: number;
  /** Index of the keyboard-active row; kept in view. */
  activeIndex: number;
  renderRow: (item: T, index: number) => ComponentChildren;
}

export function VirtualList<T>(props: VirtualListProps<T>) {
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const overscan = props.overscan ?? 8;

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    setHeight(element.clientHeight);
    return () => observer.disconnect();
  }, []);

  // Keep the active row visible when the keyboard moves it.
  useEffect(() => {
    const element = viewport.current;
    if (!element || props.activeIndex < 0) return;
    const top = props.activeIndex * props.rowHeight;
    if (top < element.scrollTop) element.scrollTop = top;
    else if (top + props.rowHeight > element.scrollTop + element.clientHeight) element.scrollTop = top + props.rowHeight - element.clientHeight;
  }, [props.activeIndex, props.rowHeight]);

  const first = Math.max(0, Math.floor(scrollTop / props.rowHeight) - overscan);
  const last = Math.min(props.items.length, Math.ceil((scrollTop + height) / props.rowHeight) + overscan);
  const rows: ComponentChildren[] = [];
  for (let i = first; i < last; i++) rows.push(props.renderRow(props.items[i]!, i));

  return (
    <div
      ref={viewport}
      class="virtual-viewport"
      role="rowgroup"
      onScroll={(e) => setScrollTop((e.currentTarget as HTMLDivElement).scrollTop)}
    >
      <div style={{ height: `${props.items.length * props.rowHeight}px`, position: 'relative' }}>
        <div style={{ transform: `translateY(${first * props.rowHeight}px)` }}>{rows}</div>
      </div>
    </div>
  );
}
