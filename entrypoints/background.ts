import { startSessionGuard } from '@/src/extension/service';

// Chromium: an MV3 service worker. Firefox: an MV2 event page (`persistent: false`), which
// Firefox unloads when idle and wakes for the alarm and the browser events the guard
// listens to, as Chromium does its worker (docs/firefox.md).
export default defineBackground({
  persistent: false,
  main() {
    startSessionGuard();
  },
});
