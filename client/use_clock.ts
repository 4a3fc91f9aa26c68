/**
 * `useClock(on)`: the time, every second while `on` — for the toolbar's time left and a card's
 * retry countdown. Null until the component is in the browser: the server renders no clock.
 */
import { useEffect, useState } from "preact/hooks";

/** The page's time (ms), ticking every second while `on`; null on the server and while off. */
export function useClock(on: boolean): number | null {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    if (!on) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      clearInterval(timer);
      setNow(null);
    };
  }, [on]);
  return on ? now : null;
}
