import { useSyncExternalStore } from 'react';

/** Below antd's `md` breakpoint (768 px): phones and narrow windows. Read synchronously, no flash. */
const QUERY = '(max-width: 767.98px)';

function subscribe(onChange: () => void): () => void {
  const mql = window.matchMedia(QUERY);
  mql.addEventListener('change', onChange);
  return () => mql.removeEventListener('change', onChange);
}

export function useIsMobile(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => window.matchMedia(QUERY).matches,
    () => false,
  );
}

/** Bordered descriptions put each label above its value on phones, where two columns do not fit. */
export const descriptionsLayout = (mobile: boolean) => (mobile ? 'vertical' : 'horizontal');
