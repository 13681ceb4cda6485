import { startSessionGuard } from '@/src/extension/service';

export default defineBackground(() => {
  startSessionGuard();
});
